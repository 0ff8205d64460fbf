/** The extension's figures: activation in a fresh process and the bundles' sizes (esbuild metafiles). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pct, record, ROOT } from './lib';

function bundleBytes(name: string, file: string): number {
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist/meta', `${name}.json`), 'utf8'));
  return meta.outputs[file].bytes;
}

export function activation(): void {
  console.log('\nExtension');
  const script = join(__dirname, 'activation.cjs');
  const runs = (args: string[]) =>
    Array.from({ length: 10 }, () =>
      Number(execFileSync(process.execPath, [script, ...args], { encoding: 'utf8' })),
    );
  const activate = runs([]);
  const eager = runs(['--eager']);
  record({
    section: 'extension',
    figure: 'activation: load + activate() in a fresh process, p50',
    value: pct(activate, 50),
    unit: 'ms',
    baseline: { label: 'with the AWS SDK loaded eagerly', value: pct(eager, 50) },
    target: '< 100 ms',
    met: pct(activate, 50) < 100,
  });
  const kib = (bytes: number) => bytes / 1024;
  const webview = kib(bundleBytes('webview', 'dist/webview/main.js'));
  record({
    section: 'extension',
    figure: 'webview bundle before mermaid',
    value: webview,
    unit: 'KiB',
    target: '< 300 KiB',
    met: webview < 300,
  });
  record({
    section: 'extension',
    figure: 'extension bundle (activation path)',
    value: kib(bundleBytes('extension', 'dist/extension.js')),
    unit: 'KiB',
    target: 'reported',
    met: undefined,
  });
  record({
    section: 'extension',
    figure: 'mermaid renderer (loaded on the first diagram)',
    value: kib(bundleBytes('mermaid', 'dist/webview/mermaid.js')),
    unit: 'KiB',
    target: 'reported',
    met: undefined,
  });
}

export function serverBundles(): void {
  const kib = (name: string, file: string) => bundleBytes(name, file) / 1024;
  record({
    section: 'cold start',
    figure: 'server entry module (SDK clients split into on-demand chunks)',
    value: kib('server', 'backend/dist/server.js'),
    unit: 'KiB',
    target: 'reported',
    met: undefined,
  });
}
