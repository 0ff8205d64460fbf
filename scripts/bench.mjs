// `npm run bench`: builds the production bundles and the .vsix, provisions code-server as the
// tests do (for the first-token figure in real VS Code), then runs every benchmark. Arguments
// pass through: `npm run bench -- --quick`, `-- --only scale`, `-- --soak-seconds 120`,
// `-- --profile DIR` (CPU profiles of the server under load). Without the extension's figures
// (`--only` not naming `extension`, or `--profile`) only the backend bundles are built.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkNode, ensureDependencies, root, run } from './lib.mjs';

await checkNode();
ensureDependencies();
const args = process.argv.slice(2);
const at = args.indexOf('--only');
const only = at >= 0 ? (args[at + 1] ?? '').split(',') : undefined;
const extension = !args.includes('--profile') && (!only || only.includes('extension'));
const env = { ...process.env };
if (extension) {
  const { provision } = await import('./provision.mjs');
  env.CODE_SERVER_BIN = provision();
  run('npm', ['run', '--silent', 'package']);
} else {
  run(process.execPath, ['esbuild.mjs', '--production', '--only', 'server,lambda']);
}
// The server is measured from a copy of its bundles: a build started meanwhile cannot swap them.
const copy = env.BENCH_BACKEND_DIST ? undefined : mkdtempSync(join(tmpdir(), 'ce-bench-dist-'));
if (copy) cpSync(join(root, 'backend/dist'), (env.BENCH_BACKEND_DIST = copy), { recursive: true });
const bench = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/run.ts', ...args], {
  cwd: root,
  stdio: 'inherit',
  env,
});
if (copy) rmSync(copy, { recursive: true, force: true });
process.exit(bench.status ?? 1);
