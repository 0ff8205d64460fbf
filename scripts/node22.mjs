// Node 22, the version the hosts run, from the npm registry: the `node-<platform>-<arch>` packages
// carry Node's official binaries (and headers, for native modules). It goes into a cache folder,
// never into the project. The scripts behind `npm test` and `npm start` re-run themselves under it
// when the machine's Node is older (lib.mjs, checkNode). Run directly, this prints the folder to
// put first on PATH: export PATH="$(node scripts/node22.mjs):$PATH"
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Exact, so every machine and CI run test on the same Node. */
export const NODE_VERSION = '22.23.5';
export const cacheDir = process.env.CLOUD_ENGINEER_CACHE ?? join(homedir(), '.cache', 'cloud-engineer');
const packageName = `node-${process.platform}-${process.arch}`;
const nodeDir = join(cacheDir, `node-${NODE_VERSION}`);
/** The package's folder is a Node prefix: bin/node and include/node (node-gyp's `nodedir`). */
export const nodeHome = join(nodeDir, 'node_modules', packageName);
export const nodeBin = join(nodeHome, 'bin', 'node');

/** Installs Node 22 into the cache once, with whatever npm is on PATH; returns its binary. */
export function provisionNode22() {
  if (existsSync(nodeBin)) return nodeBin;
  mkdirSync(nodeDir, { recursive: true });
  if (!existsSync(join(nodeDir, 'package.json')))
    writeFileSync(join(nodeDir, 'package.json'), '{"private":true}\n');
  console.error(
    `Installing Node.js ${NODE_VERSION} (${packageName} from the npm registry) into ${nodeDir}...`,
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `${packageName}@${NODE_VERSION}`], {
    cwd: nodeDir,
    stdio: ['ignore', 2, 2], // stdout stays the folder's alone when run directly
  });
  const version = execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== `v${NODE_VERSION}`) throw new Error(`${nodeBin} reports ${version}, not v${NODE_VERSION}`);
  return nodeBin;
}

/**
 * The environment for children that must run on `node` (a Node 22 binary): it comes first on PATH,
 * so `npm`, `npx` and every `#!/usr/bin/env node` script use it, and native modules build against
 * its headers whatever `nodedir` the user's npm config names.
 */
export function nodeEnv(node, env = process.env) {
  const home = dirname(dirname(node));
  return {
    ...env,
    PATH: [dirname(node), env.PATH].filter(Boolean).join(delimiter),
    NODE: node,
    ...(existsSync(join(home, 'include', 'node', 'common.gypi')) ? { npm_config_nodedir: home } : {}),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  console.log(dirname(provisionNode22()));
