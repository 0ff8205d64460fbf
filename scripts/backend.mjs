// `npm run backend`: builds and starts the local backend server (POST /invocations, GET /ping).
// Every setting comes from the environment (README, "Backend configuration"). Without a Cognito
// pool configured it runs with AUTH_MODE=none, which the server allows only on 127.0.0.1.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { checkNode, ensureDependencies, root, run } from './lib.mjs';

await checkNode();
ensureDependencies();
run(process.execPath, ['esbuild.mjs', '--only', 'server']);

const env = { ...process.env };
if (!env.AUTH_MODE && !env.COGNITO_USER_POOL_ID) {
  env.AUTH_MODE = 'none';
  console.log(
    'No COGNITO_USER_POOL_ID set: starting with AUTH_MODE=none on 127.0.0.1 (local development only).',
  );
}
const server = spawn(process.execPath, ['--enable-source-maps', join(root, 'backend/dist/server.js')], {
  cwd: root,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
