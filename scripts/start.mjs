// `npm start`: the main job on a fresh machine. Installs if needed, builds and packages the .vsix,
// then opens VS Code with it: the desktop `code` when it is on PATH, otherwise code-server in the
// browser on loopback (its URL is printed). Ctrl+C stops code-server.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkNode, ensureDependencies, root, run } from './lib.mjs';

await checkNode();
ensureDependencies();
run('npm', ['run', '--silent', 'package']);
const vsix = join(root, 'dist', 'cloud-engineer.vsix');

const code = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim();
if (code) {
  run(code, ['--install-extension', vsix, '--force']);
  run(code, [root]);
  console.log('Cloud Engineer is installed in VS Code: open the Cloud Engineer view in the activity bar.');
  process.exit(0);
}

const { provisionCodeServer } = await import('./provision.mjs');
const codeServer = provisionCodeServer();
const data = join(homedir(), '.local', 'share', 'cloud-engineer', 'code-server');
const dirs = ['--extensions-dir', join(data, 'extensions'), '--user-data-dir', join(data, 'user-data')];
mkdirSync(data, { recursive: true });
run(codeServer, [...dirs, '--install-extension', vsix, '--force']);
const port = process.env.PORT ?? '8443';
console.log(
  `\nCloud Engineer in VS Code (code-server): http://127.0.0.1:${port}/?folder=${encodeURIComponent(root)}\n`,
);
const server = spawn(
  codeServer,
  [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...dirs,
    root,
  ],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (status) => process.exit(status ?? 0));
