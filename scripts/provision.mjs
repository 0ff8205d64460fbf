// Provisions what the end-to-end tests need, idempotently: Debian packages (installed when run as
// root, otherwise named) and code-server, which ships VS Code and installs offline from npm.
// Prints the code-server launcher's path on its last line when run directly.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir, nodeEnv, provisionNode22 } from './node22.mjs';

/**
 * code-server 4.117.x is the newest line on Node 22 (VS Code 1.117); its postinstall and native
 * modules want exactly that major (4.133 and later want Node 24).
 */
export const CODE_SERVER_VERSION = '4.117.0';
/** What its VS Code's @vscode/ripgrep (lib/vscode/package.json) fetches in its postinstall. */
const RIPGREP = { packageVersion: '1.17.1', rgVersion: 'v15.0.1' };
const APT_PACKAGES = [
  'chromium',
  'ripgrep',
  'libkrb5-dev',
  'libx11-dev',
  'libxkbfile-dev',
  'libsecret-1-dev',
  'pkg-config',
];
export const codeServerDir = join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
const entry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** A launcher that runs code-server on the Node 22 it was installed with, whatever Node is on PATH. */
export const codeServerBin = join(codeServerDir, 'code-server');

function missingPackages() {
  return APT_PACKAGES.filter(
    (name) =>
      spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes(
        'install ok installed',
      ) !== true,
  );
}

export function provisionDebianPackages() {
  const missing = missingPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(
      `The end-to-end tests need these Debian packages: ${missing.join(' ')}\nInstall them with: sudo apt-get install -y ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** Code-server's native modules are built for one Node major: 22 (this one, or the cached one). */
function node22() {
  return process.versions.node.split('.')[0] === '22' ? process.execPath : provisionNode22();
}

function writeLauncher(node) {
  const quote = (s) => `'${s.replaceAll("'", `'\\''`)}'`;
  const script = `#!/bin/sh\nexec ${quote(node)} ${quote(entry)} "$@"\n`;
  if (existsSync(codeServerBin) && readFileSync(codeServerBin, 'utf8') === script) return;
  writeFileSync(codeServerBin, script, { mode: 0o755 });
}

/** Prepares code-server's install; undefined when it is installed already. */
function codeServerInstall(node) {
  if (existsSync(entry) && existsSync(codeServerBin)) return undefined;
  mkdirSync(codeServerDir, { recursive: true });
  // @vscode/ripgrep's postinstall downloads rg unless its cache folder already holds the archive.
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('ripgrep (rg) is missing: install the Debian package ripgrep');
  const rgCache = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP.packageVersion}`);
  const target = process.arch === 'arm64' ? 'aarch64-unknown-linux-musl' : 'x86_64-unknown-linux-musl';
  const archive = join(rgCache, `ripgrep-${RIPGREP.rgVersion}-${target}.tar.gz`);
  mkdirSync(rgCache, { recursive: true });
  if (!existsSync(archive)) execFileSync('tar', ['czf', archive, '-C', rg.replace(/\/rg$/, ''), 'rg']);
  if (!existsSync(join(codeServerDir, 'package.json')))
    writeFileSync(join(codeServerDir, 'package.json'), '{"private":true}\n');
  return {
    args: ['install', '--no-audit', '--no-fund', '--unsafe-perm', `code-server@${CODE_SERVER_VERSION}`],
    options: {
      cwd: codeServerDir,
      // Its postinstall reads Node's major from npm's user agent: npm must run on Node 22.
      env: { ...nodeEnv(node), npm_config_yes: 'true' }, // node-pty's postinstall runs npx
    },
  };
}

function installed(node) {
  if (!existsSync(entry)) throw new Error(`code-server did not install: ${entry} is missing`);
  writeLauncher(node);
  return codeServerBin;
}

export function provisionCodeServer() {
  const node = node22();
  const install = codeServerInstall(node);
  if (install) {
    console.log(
      `Installing code-server ${CODE_SERVER_VERSION} into ${codeServerDir} (once; takes a few minutes)...`,
    );
    execFileSync('npm', install.args, { ...install.options, stdio: 'inherit' });
  }
  return installed(node);
}

/**
 * As provisionCodeServer, with the install running in the background (its output in a log file,
 * printed should it fail), so that it overlaps the work before the end-to-end suite.
 */
export async function provisionCodeServerInBackground() {
  const node = node22();
  const install = codeServerInstall(node);
  if (install) {
    const log = join(codeServerDir, 'install.log');
    console.log(`Installing code-server ${CODE_SERVER_VERSION} in the background (log: ${log})...`);
    const started = Date.now();
    const fd = openSync(log, 'w');
    const child = spawn('npm', install.args, { ...install.options, stdio: ['ignore', fd, fd] });
    const code = await new Promise((resolve) => {
      child.on('exit', (status) => resolve(status ?? 1));
      child.on('error', () => resolve(1));
    });
    closeSync(fd);
    if (code !== 0) {
      process.stderr.write(readFileSync(log, 'utf8').slice(-20_000));
      throw new Error(`code-server did not install (npm exit ${code}); its log: ${log}`);
    }
    console.log(
      `code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s.`,
    );
  }
  return installed(node);
}

export function provision() {
  provisionDebianPackages();
  return provisionCodeServer();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(provision());
