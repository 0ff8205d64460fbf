/**
 * The backend's start-up and single-turn figures as a host sees them: the built server spawned as
 * its container starts it (server.ts), its Bedrock client going through the SDK and its kept-alive
 * HTTP/1.1 connections to the wire fake. Each figure has a baseline from the same run: a bare
 * `node:http` server spawned the same way (start-up), the empty Lambda handler (module load), and
 * the fake called directly with a raw `ConverseStream` request carrying the bytes the server sent,
 * on the same protocol (a turn). The load figures are in load.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { cpuMs, pct, rawConverseStream, record, ROOT } from './lib';
import {
  type BenchEnv,
  chatOf,
  LAMBDA,
  lastModelRequest,
  MODEL_ID,
  profiled,
  type ProfileOptions,
  sessionOf,
  startBare,
  startServer,
  stopSignal,
  tokensFor,
  work,
} from './server';

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
