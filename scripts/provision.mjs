// Provisions what the end-to-end tests need, idempotently: Debian packages (installed when run as
// root, otherwise named) and code-server, which ships VS Code and installs offline from npm.
// Prints the code-server binary path on its last line when run directly.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** code-server 4.100.x is the last line whose postinstall accepts Node 20 (VS Code 1.100.3). */
export const CODE_SERVER_VERSION = '4.100.3';
const APT_PACKAGES = [
  'chromium',
  'ripgrep',
  'libkrb5-dev',
  'libx11-dev',
  'libxkbfile-dev',
  'libsecret-1-dev',
  'pkg-config',
];
const cacheDir = process.env.CLOUD_ENGINEER_CACHE ?? join(homedir(), '.cache', 'cloud-engineer');
export const codeServerDir = join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerBin = join(codeServerDir, 'node_modules', '.bin', 'code-server');

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

export function provisionCodeServer() {
  if (existsSync(codeServerBin)) return codeServerBin;
  mkdirSync(codeServerDir, { recursive: true });
  // @vscode/ripgrep's postinstall downloads rg unless its cache folder already holds the archive.
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  for (const version of ['1.15.9', '1.15.11', '1.15.14', '1.16.0', '1.17.0']) {
    const dir = join('/tmp', `vscode-ripgrep-cache-${version}`);
    mkdirSync(dir, { recursive: true });
    for (const v of ['13.0.0-10', '13.0.0-13', '14.1.1-1']) {
      const archive = join(dir, `ripgrep-v${v}-x86_64-unknown-linux-musl.tar.gz`);
      if (!existsSync(archive)) execFileSync('tar', ['czf', archive, '-C', rg.replace(/\/rg$/, ''), 'rg']);
    }
  }
  if (!existsSync(join(codeServerDir, 'package.json')))
    writeFileSync(join(codeServerDir, 'package.json'), '{"private":true}\n');
  console.log(
    `Installing code-server ${CODE_SERVER_VERSION} into ${codeServerDir} (once; takes a few minutes)...`,
  );
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--unsafe-perm', `code-server@${CODE_SERVER_VERSION}`],
    {
      cwd: codeServerDir,
      stdio: 'inherit',
      env: { ...process.env, npm_config_yes: 'true' }, // node-pty's postinstall runs npx
    },
  );
  if (!existsSync(codeServerBin)) throw new Error(`code-server did not install: ${codeServerBin} is missing`);
  return codeServerBin;
}

export function provision() {
  provisionDebianPackages();
  return provisionCodeServer();
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.log(provision());
