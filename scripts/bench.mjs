// `npm run bench`: builds the production bundles and the .vsix, provisions code-server as the
// tests do (for the first-token figure in real VS Code), then runs every benchmark. Arguments
// pass through: `npm run bench -- --quick`, `-- --only scale`, `-- --soak-seconds 120`.
import { checkNode, ensureDependencies, run } from './lib.mjs';

await checkNode();
ensureDependencies();
const { provision } = await import('./provision.mjs');
const codeServer = provision();
run('npm', ['run', '--silent', 'package']);
run(process.execPath, ['--import', 'tsx', 'test/bench/run.ts', ...process.argv.slice(2)], {
  env: { ...process.env, CODE_SERVER_BIN: codeServer },
});
