/**
 * `npm run bench`: every speed and memory figure from one run, each beside a baseline measured in
 * the same run, printed as one markdown table and written to bench/results.json.
 *   npm run bench [-- --quick] [-- --soak-seconds N] [-- --only coldstart,turn,scale,memory,sessions,caching,extension]
 *   npm run bench -- --profile DIR   (the server under the per-turn and scale loads with --cpu-prof)
 * `--quick` shortens the soak to one minute. Needs the production bundles and the .vsix (npm run
 * bench builds them) and, for the first-token figure, code-server (provisioned as for the tests).
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { BedrockFake, textTurn } from '../fakes/bedrock';
import { CognitoLocal } from '../support/cognito';
import { coldStart, perTurn } from './backend';
import { memory, scale } from './load';
import { cleanup, DELTAS } from './server';
import { activation, serverBundles } from './extension';
import { firstTokenOnScreen } from './first-token';
import { writeReport } from './lib';
import { sessions } from './stores';
import { caching } from './caching';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const profileDir = flag('profile');
const only = profileDir ? ['turn', 'scale'] : flag('only')?.split(',');
const soakSeconds = Number(flag('soak-seconds') ?? (args.includes('--quick') ? 60 : 600));
const wants = (name: string) => !only || only.includes(name);

(async () => {
  const bedrock = await new BedrockFake().start();
  bedrock.fallback = textTurn(DELTAS);
  const servers = ['coldstart', 'turn', 'scale', 'memory'].some(wants);
  const cognito = servers ? await new CognitoLocal().start() : undefined;
  const env = { bedrock, cognito: cognito! };
  const profile = profileDir ? { profileDir: resolve(profileDir) } : {};
  try {
    if (wants('coldstart')) (await coldStart(env), serverBundles());
    if (wants('turn')) await perTurn(env, profile);
    if (wants('scale')) await scale(env, profile);
    if (wants('memory')) await memory(env, soakSeconds);
    if (wants('sessions')) await sessions();
    if (wants('caching')) await caching();
    if (wants('extension')) {
      activation();
      await firstTokenOnScreen(process.env.CODE_SERVER_BIN);
    }
  } finally {
    await bedrock.stop();
    await cognito?.stop();
    cleanup();
  }
  if (profileDir) return console.log(`\nServer CPU profiles written to ${resolve(profileDir)}`);
  const table = writeReport({
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    soakSeconds,
  });
  console.log(`\n${table}\n\nWritten to bench/results.json`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
