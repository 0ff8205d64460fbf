// The backend's deployment, one command per step (AWS CDK app in backend/infra):
//   npm run deploy  -- agentcore|lambda [cdk options]   builds the bundles, deploys, adds the
//                                                       stack's outputs to backend/infra/cdk-outputs.json
//   npm run synth   [-- agentcore|lambda]               both shapes (or one), offline, to
//                                                       backend/infra/cdk.out/<shape>
//   npm run destroy -- agentcore|lambda [cdk options]
// Extra options go to the CDK CLI unchanged, e.g. `-c modelId=eu.anthropic…`, `--profile ops`,
// `--require-approval never`. Arguments are passed without a shell.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkNode, ensureDependencies, root, run } from './lib.mjs';

const SHAPES = ['agentcore', 'lambda'];
const infra = join(root, 'backend', 'infra');
const cdk = join(root, 'node_modules', '.bin', 'cdk');
const OUTPUTS_FILE = join(infra, 'cdk-outputs.json');

const [command, ...rest] = process.argv.slice(2);
const shape = SHAPES.includes(rest[0]) ? rest.shift() : undefined;
const extra = rest;

function usage(message) {
  console.error(`${message}\nusage: npm run ${command ?? 'deploy'} -- ${SHAPES.join('|')} [cdk options]`);
  process.exit(2);
}

function buildBundles() {
  console.log('Building the backend bundles (server and Lambda handler)...');
  run('node', ['esbuild.mjs', '--production', '--only', 'server,lambda']);
}

function cdkRun(args, env = {}) {
  run(cdk, args, { cwd: infra, env: { ...process.env, ...env } });
}

/** The outputs file keeps one entry per deployed stack, so both shapes can be connected to. */
function readOutputs() {
  if (!existsSync(OUTPUTS_FILE)) return {};
  try {
    return JSON.parse(readFileSync(OUTPUTS_FILE, 'utf8'));
  } catch {
    return {};
  }
}

function writeOutputs(outputs) {
  writeFileSync(OUTPUTS_FILE, `${JSON.stringify(outputs, null, 2)}\n`);
}

function checkDocker() {
  const buildx = spawnSync('docker', ['buildx', 'version'], { stdio: 'ignore' });
  if (buildx.status !== 0)
    usage(
      'The agentcore shape builds an ARM64 container image: install Docker with buildx (and QEMU on x86 hosts,\n' +
        'e.g. `docker run --privileged --rm tonistiigi/binfmt --install arm64`), then try again.',
    );
}

if (!shape && rest[0] && !rest[0].startsWith('-')) usage(`Unknown shape ${rest[0]}.`);
await checkNode();
ensureDependencies();
switch (command) {
  case 'deploy': {
    if (!shape) usage('Which shape?');
    if (shape === 'agentcore') checkDocker();
    buildBundles();
    const fresh = join(mkdtempSync(join(tmpdir(), 'cloud-engineer-deploy-')), 'outputs.json');
    cdkRun(['deploy', '--all', '-c', `shape=${shape}`, '--outputs-file', fresh, ...extra]);
    writeOutputs({ ...readOutputs(), ...JSON.parse(readFileSync(fresh, 'utf8')) });
    console.log(
      `\nDeployed. The extension's settings are in ${OUTPUTS_FILE}:\n` +
        'run "Cloud Engineer: Connect to Deployment…" in VS Code and pick that file.',
    );
    break;
  }
  case 'synth': {
    if (!existsSync(join(root, 'backend', 'dist', 'lambda', 'index.js'))) buildBundles();
    for (const s of shape ? [shape] : SHAPES)
      // Offline: no notices fetch, no telemetry; the container image is only staged, never built.
      cdkRun(
        ['synth', '-c', `shape=${s}`, '--output', join('cdk.out', s), '--quiet', '--no-notices', ...extra],
        {
          CDK_DISABLE_CLI_TELEMETRY: 'true',
        },
      );
    console.log(`Synthesized ${(shape ? [shape] : SHAPES).join(' and ')} to backend/infra/cdk.out/.`);
    break;
  }
  case 'destroy': {
    if (!shape) usage('Which shape?');
    cdkRun(['destroy', '--all', '-c', `shape=${shape}`, ...extra]);
    console.log(
      '\nKept on purpose, so no account or conversation is lost by accident (delete them by hand when you are\n' +
        'sure; README, "Tearing it down"): the Cognito user pool, the DynamoDB table and, on agentcore, the\n' +
        `AgentCore Memory. Remove the stack's entry from ${OUTPUTS_FILE} before handing the file out again.`,
    );
    break;
  }
  default:
    usage(`Unknown command ${command ?? '(none)'}: deploy, synth or destroy.`);
}
