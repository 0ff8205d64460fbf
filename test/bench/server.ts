/**
 * How the bench starts what it measures: the built server launched as its container starts it
 * (backend/Dockerfile's CMD and ENV) with a tmpfs store, Cognito tokens and the fake model; a bare
 * `node:http` server launched the same way as the baseline; and the scratch folders, removed at the end.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockFake } from '../fakes/bedrock';
import { CognitoLocal } from '../support/cognito';
import { freePort } from '../support/process';
import { bareSseServerSource, pool, ROOT, spawnHttp, timedChat, type Launch, type Spawned } from './lib';

/** `BENCH_BACKEND_DIST` measures a copy of the bundles (a build running meanwhile cannot disturb it). */
const DIST = process.env.BENCH_BACKEND_DIST ?? join(ROOT, 'backend/dist');
export const LAMBDA = join(DIST, 'lambda/index.js');
export const DELTAS = Array.from({ length: 20 }, (_, i) => `word${i} `);
export const MODEL_ID = 'bench.fake-model-v1';
/** The bench's scratch folder, made on first use and removed by `cleanup`. */
let scratch: string | undefined;
export const work = () => (scratch ??= mkdtempSync(join(tmpdir(), 'ce-bench-')));
/** The servers' tmpfs stores, removed at the end. */
const stores: string[] = [];

/** How the image starts the server, read from backend/Dockerfile so the two cannot drift apart. */
function containerLaunch(): { script: string; nodeArgs: string[]; env: Record<string, string> } {
  const dockerfile = readFileSync(join(ROOT, 'backend/Dockerfile'), 'utf8');
  const cmd = JSON.parse(/^CMD\s+(\[.*\])\s*$/m.exec(dockerfile)![1]!) as string[];
  if (cmd[0] !== 'node') throw new Error(`backend/Dockerfile's CMD does not start node: ${cmd.join(' ')}`);
  const env: Record<string, string> = {};
  for (const [, line] of dockerfile.matchAll(/^ENV\s+(.+)$/gm))
    for (const pair of line!.trim().split(/\s+/)) {
      const at = pair.indexOf('=');
      env[pair.slice(0, at)] = pair.slice(at + 1);
    }
  return { script: cmd.at(-1)!, nodeArgs: cmd.slice(1, -1), env };
}

const CONTAINER = containerLaunch();

export interface BenchEnv {
  bedrock: BedrockFake;
  cognito: CognitoLocal;
}

/** Access tokens of distinct cognito-local users, created once and shared by every section. */
const tokens: string[] = [];
export async function tokensFor(env: BenchEnv, n: number): Promise<string[]> {
  const start = tokens.length;
  if (start < n)
    await pool(n - start, 8, async (i) => {
      const user = await env.cognito.createUser(`bench${start + i}@example.com`);
      tokens[start + i] = (await env.cognito.signIn(user)).AccessToken;
    });
  return tokens.slice(0, n);
}

/** The container's launch with a tmpfs store, fake AWS credentials, Cognito and the fake model. */
function serverLaunch(env: BenchEnv, extra: Record<string, string> = {}, nodeArgs: string[] = []): Launch {
  return {
    nodeArgs: [...nodeArgs, ...CONTAINER.nodeArgs],
    cwd: DIST,
    env: {
      ...CONTAINER.env,
      MEMORY_DIR: tmpfsStore(),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDBENCHBENCHBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench-not-a-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      AUTH_MODE: 'cognito',
      COGNITO_USER_POOL_ID: env.cognito.userPoolId,
      COGNITO_CLIENT_ID: env.cognito.clientId,
      COGNITO_ISSUER: env.cognito.issuer,
      BEDROCK_ENDPOINT: env.bedrock.url,
      MODEL_ID,
      ...extra,
    },
  };
}

function tmpfsStore(): string {
  const dir = mkdtempSync(join('/dev/shm', 'ce-bench-mem-'));
  stores.push(dir);
  return dir;
}

export async function startServer(
  env: BenchEnv,
  extra: Record<string, string> = {},
  nodeArgs: string[] = [],
) {
  return spawnHttp(CONTAINER.script, await freePort(), serverLaunch(env, extra, nodeArgs));
}

/** A bare node:http server streaming `sse` for every POST, spawned as the container starts the server. */
export async function startBare(sse: string): Promise<Spawned> {
  const bare = join(work(), 'bare.cjs');
  writeFileSync(bare, bareSseServerSource(sse));
  return spawnHttp(bare, await freePort(), { nodeArgs: CONTAINER.nodeArgs, cwd: work(), env: CONTAINER.env });
}

export const chatOf = (server: Spawned, body: unknown, token: string) =>
  timedChat(`${server.url}/invocations`, body, token);
export const sessionOf = (text: string) => /"sessionId":"([^"]+)"/.exec(text)?.[1];

/** The body of the last ConverseStream request the server sent to the fake. */
export function lastModelRequest(env: BenchEnv): string {
  const last = env.bedrock.requests.at(-1);
  if (!last) throw new Error('the server never called the model');
  return JSON.stringify(last.body);
}

/** What a profiling run changes: fewer figures, and the server writes a CPU profile into `dir`. */
export interface ProfileOptions {
  profileDir?: string;
}

export const profiled = (options: ProfileOptions) =>
  options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
/** A profiled server is asked to stop, so that it writes its profile on the way out. */
export const stopSignal = (options: ProfileOptions) => (options.profileDir ? 'SIGTERM' : 'SIGKILL');

export function cleanup(): void {
  for (const dir of [scratch, ...stores]) if (dir) rmSync(dir, { recursive: true, force: true });
  scratch = undefined;
  stores.length = 0;
}
