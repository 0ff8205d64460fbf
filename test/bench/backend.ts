/**
 * The backend's figures, each against a baseline measured in the same run: cold start against a
 * bare `node:http` server, a turn against the model alone, throughput against a bare SSE server
 * streaming the same bytes, memory after many chats and over a soak.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBedrockModel } from '../../backend/src/core/model/bedrock';
import { noKey } from '../../backend/src/core/model/options';
import { textTurn } from '../fakes/bedrock';
import { BedrockFake } from '../fakes/bedrock';
import { CognitoLocal } from '../support/cognito';
import { freePort } from '../support/process';
import {
  bareSseServerSource,
  pct,
  pool,
  record,
  ROOT,
  rssMiB,
  sleep,
  spawnHttp,
  timedChat,
  type Spawned,
} from './lib';

/** `BENCH_BACKEND_DIST` measures a copy of the bundles (a build running meanwhile cannot disturb it). */
const DIST = process.env.BENCH_BACKEND_DIST ?? join(ROOT, 'backend/dist');
const SERVER = join(DIST, 'server.js');
const LAMBDA = join(DIST, 'lambda/index.js');
const DELTAS = Array.from({ length: 20 }, (_, i) => `word${i} `);
const work = mkdtempSync(join(tmpdir(), 'ce-bench-'));
const BARE = join(work, 'bare.cjs');
/** The model called directly, as the baseline of a turn. */
const ONE_MESSAGE = {
  system: '',
  messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'x' }] }],
  tools: [],
  maxTokens: 100,
  cache: false,
};

export interface BenchEnv {
  bedrock: BedrockFake;
  cognito?: CognitoLocal;
}

function serverEnv(env: BenchEnv, extra: Record<string, string>): Record<string, string> {
  return {
    AUTH_MODE: 'none',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHBENCHBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench-not-a-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    BEDROCK_ENDPOINT: env.bedrock.url,
    MODEL_ID: 'bench.fake-model-v1',
    LOG_LEVEL: 'warn',
    MEMORY_DIR: mkdtempSync(join('/dev/shm', 'ce-bench-mem-')),
    ...extra,
  };
}

async function startServer(env: BenchEnv, extra: Record<string, string> = {}, args: string[] = []) {
  return spawnHttp(SERVER, serverEnv(env, extra), await freePort(), args);
}

/** The SSE bytes a real turn produced, for the bare baseline server to replay. */
async function realSseBytes(server: Spawned): Promise<string> {
  return (await timedChat(`${server.url}/invocations`, { action: 'chat', message: 'sample' })).text;
}

export async function coldStart(env: BenchEnv): Promise<void> {
  console.log('\nCold start');
  const bare: number[] = [];
  const ready: number[] = [];
  const firstChat: number[] = [];
  const model = createBedrockModel({
    modelId: 'm',
    apiKey: noKey,
    region: 'us-east-1',
    endpoint: env.bedrock.url,
  });
  const modelAlone: number[] = [];
  writeFileSync(BARE, bareSseServerSource('data: {}\n\n'));
  for (let i = 0; i < 10; i++) {
    const b = await spawnHttp(BARE, {}, await freePort());
    bare.push(b.ready);
    await b.stop();
    const s = await startServer(env);
    ready.push(s.ready);
    firstChat.push((await timedChat(`${s.url}/invocations`, { action: 'chat', message: 'first' })).total);
    await s.stop();
    const t0 = performance.now();
    for await (const _ of model.stream(ONE_MESSAGE, new AbortController().signal));
    modelAlone.push(performance.now() - t0);
  }
  const bareP50 = pct(bare, 50);
  record({
    section: 'cold start',
    figure: 'server start to first healthy /ping, p50',
    value: pct(ready, 50),
    unit: 'ms',
    baseline: { label: 'bare node:http server', value: bareP50 },
    target: '<= bare + 100 ms',
    met: pct(ready, 50) <= bareP50 + 100,
  });
  const overModel = pct(firstChat, 50) - pct(modelAlone, 50);
  record({
    section: 'cold start',
    figure: 'first chat answered after ready (minus the model), p50',
    value: overModel,
    unit: 'ms',
    baseline: { label: 'the model alone', value: pct(modelAlone, 50) },
    target: '<= 150 ms',
    met: overModel <= 150,
  });

  // Lambda: the handler module's load in a fresh process against an empty handler's.
  const stub = join(work, 'awslambda.cjs');
  writeFileSync(
    stub,
    'globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };\n',
  );
  const empty = join(work, 'empty.mjs');
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
          MEMORY_DIR: join(work, 'lambda-mem'),
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

export async function perTurn(env: BenchEnv): Promise<void> {
  console.log('\nOne turn, one user');
  const model = createBedrockModel({
    modelId: 'm',
    apiKey: noKey,
    region: 'us-east-1',
    endpoint: env.bedrock.url,
  });
  const server = await startServer(env);
  const turns: number[] = [];
  const alone: number[] = [];
  try {
    const first = await timedChat(`${server.url}/invocations`, { action: 'chat', message: 'hello' });
    const sessionId = /"sessionId":"([^"]+)"/.exec(first.text)![1];
    for (let i = 0; i < 120; i++) {
      const t = await timedChat(`${server.url}/invocations`, { action: 'chat', sessionId, message: `q${i}` });
      const t0 = performance.now();
      for await (const _ of model.stream(ONE_MESSAGE, new AbortController().signal));
      if (i >= 20) (turns.push(t.total), alone.push(performance.now() - t0));
    }
  } finally {
    await server.stop();
  }
  const over = pct(turns, 50) - pct(alone, 50);
  record({
    section: 'per turn',
    figure: 'chat turn over the model, tmpfs store, p50',
    value: over,
    unit: 'ms',
    baseline: { label: 'the model alone', value: pct(alone, 50) },
    target: '<= 3 ms',
    met: over <= 3,
  });

  // Disk: syncs a turn costs, counted in the server process.
  const disk = mkdtempSync(join(ROOT, '.bench-disk-'));
  const counted = await startServer(env, { MEMORY_DIR: disk }, [
    '--require',
    join(__dirname, 'count-syncs.cjs'),
  ]);
  try {
    const syncs = async () => {
      const before = counted.output().length;
      counted.proc.kill('SIGUSR2');
      for (let i = 0; i < 200; i++) {
        const m = /SYNCS (\{[^}]*\})/.exec(counted.output().slice(before));
        if (m) return JSON.parse(m[1]!) as { file: number; dir: number };
        await sleep(5);
      }
      throw new Error('no sync counts');
    };
    const a = await syncs();
    const created = await timedChat(`${counted.url}/invocations`, { action: 'chat', message: 'new session' });
    const b = await syncs();
    const sessionId = /"sessionId":"([^"]+)"/.exec(created.text)![1];
    await timedChat(`${counted.url}/invocations`, { action: 'chat', sessionId, message: 'next turn' });
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

/** Turns per second for `users` clients doing `turns` chats each, all at once. */
async function throughput(
  url: string,
  users: number,
  turns: number,
  tokenOf: (u: number) => string | undefined,
): Promise<{ perSecond: number; errors: number }> {
  let errors = 0;
  const t0 = performance.now();
  await pool(users, users, async (u) => {
    let sessionId: string | undefined;
    for (let t = 0; t < turns; t++) {
      const r = await timedChat(
        url,
        { action: 'chat', message: `user ${u} turn ${t}`, ...(sessionId ? { sessionId } : {}) },
        tokenOf(u),
      ).catch(() => ({ ok: false, text: '' }));
      if (!r.ok) errors++;
      sessionId ??= /"sessionId":"([^"]+)"/.exec(r.text)?.[1];
    }
  });
  return { perSecond: (users * turns) / ((performance.now() - t0) / 1000), errors };
}

export async function scale(env: BenchEnv): Promise<void> {
  console.log('\nScale');
  const cognito = env.cognito!;
  const tokens: string[] = [];
  await pool(200, 8, async (i) => {
    const user = await cognito.createUser(`bench${i}@example.com`);
    tokens[i] = (await cognito.signIn(user)).AccessToken;
  });
  const server = await startServer(env, {
    AUTH_MODE: 'cognito',
    COGNITO_USER_POOL_ID: cognito.userPoolId,
    COGNITO_CLIENT_ID: cognito.clientId,
    COGNITO_ISSUER: cognito.issuer,
  });
  const local = await startServer(env, { MAX_STREAMS_PER_ACTOR: '100' });
  writeFileSync(BARE, bareSseServerSource(await realSseBytes(local)));
  const bare = await spawnHttp(BARE, {}, await freePort());
  try {
    const base = await throughput(bare.url, 100, 3, (u) => tokens[u]);
    const real = await throughput(`${server.url}/invocations`, 100, 3, (u) => tokens[u]);
    record({
      section: 'scale',
      figure: '100 concurrent users (own Cognito tokens), 3 turns each: turns/s',
      value: real.perSecond,
      unit: 'turns/s',
      baseline: { label: 'bare SSE server', value: base.perSecond },
      target: '>= 0.45 of baseline',
      met: real.perSecond >= 0.45 * base.perSecond,
    });
    const big = await throughput(`${server.url}/invocations`, 200, 2, (u) => tokens[u]);
    record({
      section: 'scale',
      figure: '200 concurrent users, 2 turns each: errors',
      value: big.errors,
      unit: 'errors',
      target: '0',
      met: big.errors === 0,
    });
    const baseLocal = await throughput(bare.url, 100, 1, () => undefined);
    const one = await throughput(`${local.url}/invocations`, 100, 1, () => undefined);
    record({
      section: 'scale',
      figure: 'one local user, 100 concurrent chats: turns/s',
      value: one.perSecond,
      unit: 'turns/s',
      baseline: { label: 'bare SSE server', value: baseLocal.perSecond },
      target: '>= 0.30 of baseline',
      met: one.perSecond >= 0.3 * baseLocal.perSecond && one.errors === 0,
    });
  } finally {
    await Promise.all([server.stop(), local.stop(), bare.stop()]);
  }
}

export async function memory(env: BenchEnv, soakSeconds: number): Promise<void> {
  console.log('\nMemory');
  const server = await startServer(env, { MAX_STREAMS_PER_ACTOR: '100' });
  const pid = server.proc.pid!;
  const url = `${server.url}/invocations`;
  try {
    const idle = rssMiB(pid);
    await pool(1000, 10, (i) => timedChat(url, { action: 'chat', message: `chat ${i}` }));
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
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const load = pool(4, 4, async () => {
      while (!stop) {
        const first = await timedChat(url, { action: 'chat', message: 'soak' });
        const sessionId = /"sessionId":"([^"]+)"/.exec(first.text)?.[1];
        for (let i = 0; i < 19 && !stop && sessionId; i++)
          await timedChat(url, { action: 'chat', sessionId, message: `soak ${i}` });
        if (sessionId) await (await post({ action: 'deleteSession', sessionId })).text();
      }
    });
    while (Date.now() < end) {
      await sleep(1000);
      samples.push(rssMiB(pid));
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
  rmSync(work, { recursive: true, force: true });
}

export { textTurn, DELTAS };
