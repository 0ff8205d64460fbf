// `npm run test:vscode`: the integration scenarios in a downloaded VS Code through
// @vscode/test-electron. For machines that can download VS Code; the code-server suite
// (`npm test`) is the one that runs here and in CI.
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { join } from 'node:path';
import { checkNode, ensureDependencies, root, run } from './lib.mjs';

await checkNode();
ensureDependencies();
run(process.execPath, ['esbuild.mjs']);
await esbuild.build({
  entryPoints: ['test/vscode/index.ts'],
  outfile: 'out/test-vscode/index.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode', 'mocha', 'cognito-local'],
  sourcemap: true,
  logLevel: 'warning',
});
await runTests({
  extensionDevelopmentPath: root,
  extensionTestsPath: join(root, 'out/test-vscode/index.js'),
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
});
