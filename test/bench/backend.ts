/**
 * The backend's figures as a host sees them: the built server spawned as its container starts it
 * (backend/Dockerfile's CMD and ENV), a tmpfs store, Cognito tokens, and its Bedrock client going
 * through the SDK and its kept-alive HTTP/1.1 connections to the wire fake. Each figure has a
 * baseline from the same run: a bare `node:http` server spawned the same way (start-up,
 * throughput) and the fake called directly with a raw `ConverseStream` request carrying the bytes
 * the server sent, on the same protocol (a turn).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textTurn } from '../fakes/bedrock';
import { BedrockFake } from '../fakes/bedrock';
import { CognitoLocal } from '../support/cognito';
import { freePort } from '../support/process';
import {
  bareSseServerSource,
  cpuMs,
  pct,
  pool,
  rawConverseStream,
  record,
  ROOT,
  rssMiB,
  sleep,
  spawnHttp,
  timedChat,
  type Launch,
  type Spawned,
} from './lib';

/** `BENCH_BACKEND_DIST` measures a copy of the bundles (a build running meanwhile cannot disturb it). */
const DIST = process.env.BENCH_BACKEND_DIST ?? join(ROOT, 'backend/dist');
const LAMBDA = join(DIST, 'lambda/index.js');
const DELTAS = Array.from({ length: 20 }, (_, i) => `word${i} `);
const MODEL_ID = 'bench.fake-model-v1';
/** The bench's scratch folder, made on first use and removed by `cleanup`. */
let scratch: string | undefined;
const work = () => (scratch ??= mkdtempSync(join(tmpdir(), 'ce-bench-')));
/** The servers' tmpfs stores, removed at the end. */
const stores: string[] = [];

/** How the image starts the server, read from backend/Dockerfile so the two cannot drift apart. */
export function containerLaunch(): { script: string; nodeArgs: string[]; env: Record<string, string> } {
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
async function tokensFor(env: BenchEnv, n: number): Promise<string[]> {
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

async function startServer(env: BenchEnv, extra: Record<string, string> = {}, nodeArgs: string[] = []) {
  return spawnHttp(CONTAINER.script, await freePort(), serverLaunch(env, extra, nodeArgs));
}

/** A bare node:http server streaming `sse` for every POST, spawned as the container starts the server. */
async function startBare(sse: string): Promise<Spawned> {
  const bare = join(work(), 'bare.cjs');
  writeFileSync(bare, bareSseServerSource(sse));
  return spawnHttp(bare, await freePort(), { nodeArgs: CONTAINER.nodeArgs, cwd: work(), env: CONTAINER.env });
}

const chatOf = (server: Spawned, body: unknown, token: string) =>
  timedChat(`${server.url}/invocations`, body, token);
const sessionOf = (text: string) => /"sessionId":"([^"]+)"/.exec(text)?.[1];

/** The body of the last ConverseStream request the server sent to the fake. */
function lastModelRequest(env: BenchEnv): string {
  const last = env.bedrock.requests.at(-1);
  if (!last) throw new Error('the server never called the model');
  return JSON.stringify(last.body);
}

export async function coldStart(env: BenchEnv): Promise<void> {
  console.log('\nCold start (as the container starts the server)');
  const [token] = await tokensFor(env, 1);
  const bare: number[] = [];
  const ready: number[] = [];
  const firstChat: number[] = [];
  const modelAlone: number[] = [];
  for (let i = 0; i < 10; i++) {
    const b = await startBare('data: {}\n\n');
    bare.push(b.ready);
    await b.stop();
    const s = await startServer(env);
    ready.push(s.ready);
    env.bedrock.reset();
    const first = await chatOf(s, { action: 'chat', message: 'first' }, token!);
    if (!first.ok) throw new Error(`the first chat failed:\n${first.text}\n${s.output().slice(-2000)}`);
    firstChat.push(first.total);
    await s.stop();
    // The server's first model call opens its connection too: so does the baseline's.
    modelAlone.push(await rawConverseStream(env.bedrock.url, MODEL_ID, lastModelRequest(env), false));
  }
  const bareP50 = pct(bare, 50);
  record({
    section: 'cold start',
    figure: 'server spawn (as the container) to first healthy /ping, p50',
    value: pct(ready, 50),
    unit: 'ms',
    baseline: { label: 'bare node:http server spawned the same way', value: bareP50 },
    target: '<= bare + 100 ms',
    met: pct(ready, 50) <= bareP50 + 100,
  });
  const overModel = pct(firstChat, 50) - pct(modelAlone, 50);
  record({
    section: 'cold start',
    figure: 'first chat answered after ready (minus the model), p50',
    value: overModel,
    unit: 'ms',
    baseline: { label: 'the fake model called directly (new connection)', value: pct(modelAlone, 50) },
    target: '<= 150 ms',
    met: overModel <= 150,
  });

  // Lambda: the handler module's load in a fresh process against an empty handler's.
  const stub = join(work(), 'awslambda.cjs');
  writeFileSync(
    stub,
    'globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };\n',
  );
  const empty = join(work(), 'empty.mjs');
  writeFileSync(empty, 'export const handler = async () => ({ statusCode: 200 });\n');
  const loadOnce = async (file: string) => {
    const { execFileSync } = await import('node:child_process');
    const t0 = performance.now();
    execFileSync(
      process.execPath,
      ['--require', stub, '--input-type=module', '-e', `await import(${JSON.stringify(file)});`],
      {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          COGNITO_USER_POOL_ID: 'us-east-1_bench',
          COGNITO_CLIENT_ID: 'benchclient',
          MEMORY_STORE: 'file',
          MEMORY_DIR: join(work(), 'lambda-mem'),
        },
        stdio: 'pipe',
      },
    );
    return performance.now() - t0;
  };
  const lambda: number[] = [];
  const emptyRuns: number[] = [];
  for (let i = 0; i < 10; i++) {
    emptyRuns.push(await loadOnce(empty));
    lambda.push(await loadOnce(LAMBDA));
  }
  record({
    section: 'cold start',
    figure: 'Lambda handler module load (fresh process), p50',
    value: pct(lambda, 50),
    unit: 'ms',
    baseline: { label: 'empty handler', value: pct(emptyRuns, 50) },
    target: '<= empty + 100 ms',
    met: pct(lambda, 50) <= pct(emptyRuns, 50) + 100,
  });
}

/** Turns per conversation in the per-turn figure; a conversation's first turn is not timed. */
const TURNS_PER_SESSION = 10;

/** What a profiling run changes: fewer figures, and the server writes a CPU profile into `dir`. */
export interface ProfileOptions {
  profileDir?: string;
}

const profiled = (options: ProfileOptions) =>
  options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
/** A profiled server is asked to stop, so that it writes its profile on the way out. */
const stopSignal = (options: ProfileOptions) => (options.profileDir ? 'SIGTERM' : 'SIGKILL');

export async function perTurn(env: BenchEnv, options: ProfileOptions & { turns?: number } = {}) {
  console.log('\nOne turn, one user');
  const [token] = await tokensFor(env, 1);
  const server = await startServer(env, {}, profiled(options));
  // One kept-alive connection, as the server's pool keeps one for its calls in a row.
  const direct = new Agent({ keepAlive: true, maxSockets: 1 });
  const turns: number[] = [];
  const alone: number[] = [];
  const total = options.turns ?? 300;
  const warmup = Math.min(100, Math.floor(total / 3));
  let cpuAtWarm = 0;
  let cpu: number;
  try {
    let sessionId: string | undefined;
    for (let i = 0; i < total; i++) {
      if (i === warmup) cpuAtWarm = cpuMs(server.proc.pid!);
      if (i % TURNS_PER_SESSION === 0) {
        const created = await chatOf(server, { action: 'chat', message: 'a new conversation' }, token!);
        sessionId = sessionOf(created.text);
        continue;
      }
      env.bedrock.reset();
      const t = await chatOf(server, { action: 'chat', sessionId, message: `question ${i}` }, token!);
      if (!t.ok) throw new Error(`a turn failed:\n${t.text}`);
      // The same request bytes and the same answer, without the server: the fake called directly.
      const model = await rawConverseStream(env.bedrock.url, MODEL_ID, lastModelRequest(env), direct);
      if (i >= warmup) (turns.push(t.total), alone.push(model));
    }
    cpu = (cpuMs(server.proc.pid!) - cpuAtWarm) / (total - warmup);
  } finally {
    direct.destroy();
    await server.stop(stopSignal(options));
  }
  const over = pct(turns, 50) - pct(alone, 50);
  record({
    section: 'per turn',
    figure: `chat turn through the server, tmpfs store, p50 of ${turns.length}`,
    value: pct(turns, 50),
    unit: 'ms',
    baseline: { label: 'the fake model called directly (raw, kept-alive connection)', value: pct(alone, 50) },
    target: '<= baseline + 3 ms',
    met: over <= 3,
  });
  record({
    section: 'per turn',
    figure: 'chat turn through the server, p90',
    value: pct(turns, 90),
    unit: 'ms',
    baseline: { label: 'the fake called directly, p90', value: pct(alone, 90) },
    target: 'reported',
    met: undefined,
  });
  record({
    section: 'per turn',
    figure: 'server CPU time per chat request (user + system)',
    value: cpu,
    unit: 'ms',
    target: 'reported',
    met: undefined,
  });
  if (!options.profileDir) await syncsPerTurn(env, token!);
}

/** Disk: the syncs a turn costs, counted in the server process. */
async function syncsPerTurn(env: BenchEnv, token: string): Promise<void> {
  const disk = mkdtempSync(join(ROOT, '.bench-disk-'));
  const counted = await startServer(env, { MEMORY_DIR: disk }, [
    '--require',
    join(__dirname, 'count-syncs.cjs'),
  ]);
  try {
    const syncs = () =>
      new Promise<{ file: number; dir: number }>((resolve, reject) => {
        let seen = '';
        const timer = setTimeout(() => (stop(), reject(new Error('no sync counts'))), 2000);
        const stop = counted.onOutput((text) => {
          seen += text;
          const m = /SYNCS (\{[^}]*\})/.exec(seen);
          if (m) (clearTimeout(timer), stop(), resolve(JSON.parse(m[1]!)));
        });
        counted.proc.kill('SIGUSR2');
      });
    const a = await syncs();
    const created = await chatOf(counted, { action: 'chat', message: 'new session' }, token);
    const b = await syncs();
    const sessionId = sessionOf(created.text);
    await chatOf(counted, { action: 'chat', sessionId, message: 'next turn' }, token);
    const c = await syncs();
    record({
      section: 'per turn',
      figure: 'file syncs per turn in an existing session (disk store)',
      value: c.file - b.file + (c.dir - b.dir),
      unit: 'syncs',
      target: '<= 2 (message before the model, answer after)',
      met: c.file - b.file + (c.dir - b.dir) <= 2,
    });
    record({
      section: 'per turn',
      figure: 'directory syncs to create a session (disk store)',
      value: b.dir - a.dir,
      unit: 'syncs',
      target: '<= 1',
      met: b.dir - a.dir <= 1,
    });
  } finally {
    await counted.stop();
    rmSync(disk, { recursive: true, force: true });
  }
}

/** Turns per second for `clients` conversations of `turns` chats each, all at once. */
async function throughput(
  url: string,
  clients: number,
  turns: number,
  tokenOf: (c: number) => string,
  pid?: number,
): Promise<{ perSecond: number; errors: number; cpuPerTurn: number }> {
  let errors = 0;
  const cpu0 = pid ? cpuMs(pid) : 0;
  const t0 = performance.now();
  await pool(clients, clients, async (c) => {
    let sessionId: string | undefined;
    for (let t = 0; t < turns; t++) {
      const r = await timedChat(
        url,
        { action: 'chat', message: `client ${c} turn ${t}`, ...(sessionId ? { sessionId } : {}) },
        tokenOf(c),
      ).catch(() => ({ ok: false, text: '' }));
      if (!r.ok) errors++;
      sessionId ??= sessionOf(r.text);
    }
  });
  const perSecond = (clients * turns) / ((performance.now() - t0) / 1000);
  return { perSecond, errors, cpuPerTurn: pid ? (cpuMs(pid) - cpu0) / (clients * turns) : NaN };
}

export async function scale(env: BenchEnv, options: ProfileOptions = {}) {
  console.log('\nScale');
  const users = await tokensFor(env, 200);
  // One user's 100 conversations need 100 stream slots (the default is 4 a user).
  const server = await startServer(env, { MAX_STREAMS_PER_ACTOR: '100' }, profiled(options));
  const bare = await startBare((await chatOf(server, { action: 'chat', message: 'sample' }, users[0]!)).text);
  const url = `${server.url}/invocations`;
  const distinct = (c: number) => users[c]!;
  const single = () => users[0]!;
  try {
    // Warm both (JIT, connections), then measure each as it is run.
    await throughput(bare.url, 100, 3, distinct);
    await throughput(url, 100, 3, distinct);
    {
      env.bedrock.reset();
      const base = await throughput(bare.url, 100, 3, distinct);
      const real = await throughput(url, 100, 3, distinct, server.proc.pid);
      record({
        section: 'scale',
        figure: '100 users at once (own Cognito tokens), 3 turns each: turns/s',
        value: real.perSecond,
        unit: 'turns/s',
        baseline: { label: 'bare SSE server', value: base.perSecond },
        target: '>= 0.45 of baseline',
        met: real.perSecond >= 0.45 * base.perSecond && real.errors === 0,
      });
      record({
        section: 'scale',
        figure: '100 users at once: server CPU time per turn',
        value: real.cpuPerTurn,
        unit: 'ms',
        target: 'reported',
        met: undefined,
      });
      env.bedrock.reset();
      const baseOne = await throughput(bare.url, 100, 3, single);
      const one = await throughput(url, 100, 3, single, server.proc.pid);
      record({
        section: 'scale',
        figure: 'one user, 100 chats at once, 3 turns each: turns/s',
        value: one.perSecond,
        unit: 'turns/s',
        baseline: { label: 'bare SSE server', value: baseOne.perSecond },
        target: '>= 0.30 of baseline',
        met: one.perSecond >= 0.3 * baseOne.perSecond && one.errors === 0,
      });
      record({
        section: 'scale',
        figure: 'one user, 100 chats: server CPU time per turn',
        value: one.cpuPerTurn,
        unit: 'ms',
        target: 'reported',
        met: undefined,
      });
    }
    if (!options.profileDir) {
      env.bedrock.reset();
      const big = await throughput(url, 200, 2, distinct);
      record({
        section: 'scale',
        figure: '200 users at once, 2 turns each: errors',
        value: big.errors,
        unit: 'errors',
        target: '0',
        met: big.errors === 0,
      });
    }
  } finally {
    env.bedrock.reset();
    await Promise.all([server.stop(stopSignal(options)), bare.stop()]);
  }
}

export async function memory(env: BenchEnv, soakSeconds: number): Promise<void> {
  console.log('\nMemory');
  const [token] = await tokensFor(env, 1);
  const server = await startServer(env, { MAX_STREAMS_PER_ACTOR: '100' });
  const pid = server.proc.pid!;
  const chat = (body: unknown) => chatOf(server, body, token!);
  try {
    const idle = rssMiB(pid);
    await pool(1000, 10, (i) => chat({ action: 'chat', message: `chat ${i}` }));
    env.bedrock.reset();
    const after = rssMiB(pid);
    record({
      section: 'memory',
      figure: 'server RSS after 1,000 chats',
      value: after,
      unit: 'MiB',
      baseline: { label: 'idle after start', value: idle },
      target: '< 120 MiB',
      met: after < 120,
    });
    // Soak: steady load that keeps nothing (each worker's conversation is deleted after 20 turns,
    // so the store's index stays the same size); RSS over the last third against the first.
    const samples: number[] = [];
    const end = Date.now() + soakSeconds * 1000;
    let stop = false;
    const post = (body: unknown) =>
      fetch(`${server.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    const load = pool(4, 4, async () => {
      while (!stop) {
        const first = await chat({ action: 'chat', message: 'soak' });
        const sessionId = sessionOf(first.text);
        for (let i = 0; i < 19 && !stop && sessionId; i++)
          await chat({ action: 'chat', sessionId, message: `soak ${i}` });
        if (sessionId) await (await post({ action: 'deleteSession', sessionId })).text();
      }
    });
    while (Date.now() < end) {
      await sleep(1000);
      samples.push(rssMiB(pid));
      env.bedrock.reset(); // the fake's record of requests is the bench's memory, not the server's
    }
    stop = true;
    await load;
    const third = Math.max(1, Math.floor(samples.length / 3));
    const early = pct(samples.slice(0, third), 50);
    const late = pct(samples.slice(-third), 50);
    record({
      section: 'memory',
      figure: `RSS growth over a ${Math.round(soakSeconds / 60)}-minute soak (median of the last third vs the first)`,
      value: late - early,
      unit: 'MiB',
      baseline: { label: 'first third', value: early },
      target: '< 5 MiB (no growth)',
      met: late - early < 5,
    });
  } finally {
    await server.stop();
  }
}

export function cleanup(): void {
  for (const dir of [scratch, ...stores]) if (dir) rmSync(dir, { recursive: true, force: true });
  scratch = undefined;
  stores.length = 0;
}

export { textTurn, DELTAS };
