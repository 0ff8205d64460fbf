// `npm run bench`: builds the production bundles and the .vsix, provisions code-server as the
// tests do (for the first-token figure in real VS Code), then runs every benchmark. Arguments
// pass through: `npm run bench -- --quick`, `-- --only scale`, `-- --soak-seconds 120`,
// `-- --profile DIR` (CPU profiles of the server under load). Without the extension's figures
// (`--only` not naming `extension`, or `--profile`) only the backend bundles are built.
import { checkNode, ensureDependencies, run } from './lib.mjs';

checkNode();
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
run(process.execPath, ['--import', 'tsx', 'test/bench/run.ts', ...args], { env });
