// Small helpers shared by the project's scripts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_VERSION, nodeEnv, provisionNode22 } from './node22.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a command with inherited output; exits the script if it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

/** Runs a command, echoing its output, and returns the output for the caller to read. */
export function runCapture(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (d) => (process.stdout.write(d), (output += d)));
    child.stderr.on('data', (d) => (process.stderr.write(d), (output += d)));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Installs dependencies on a fresh clone, so every entry point works right after `git clone`. */
export function ensureDependencies() {
  if (existsSync(join(root, 'node_modules', '.package-lock.json'))) return;
  console.log('Installing dependencies (npm ci)...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/**
 * Node 22 or newer, the version the hosts run. On an older Node, fetches Node 22 from the npm
 * registry into the cache (node22.mjs) and runs this same script again under it, first on PATH so
 * that npm, npx and the test runners it starts use it too; exits with that run's status.
 */
export async function checkNode() {
  if (Number(process.versions.node.split('.')[0]) >= 22) return;
  let node;
  try {
    node = provisionNode22();
  } catch (error) {
    console.error(
      `Node.js 22 or newer is required; this is ${process.versions.node}, and Node.js ${NODE_VERSION} could not be fetched from the npm registry (${error.message}).\nInstall Node.js 22 (https://nodejs.org/en/download) and run this again.`,
    );
    process.exit(1);
  }
  console.error(
    `Node.js ${process.versions.node} is older than 22: running again under Node.js ${NODE_VERSION}.`,
  );
  const child = spawn(node, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: nodeEnv(node),
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  const status = await new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)));
    child.on('error', (error) => (console.error(`${node} did not start: ${error.message}`), resolve(1)));
  });
  process.exit(status);
}
