/**
 * The server under load as a host sees it: turns per second for 100 clients at once against a bare
 * SSE server spawned the same way, 200 users for errors, and RSS over a soak that keeps nothing.
 */

import { cpuMs, pct, pool, record, rssMiB, sleep, timedChat } from './lib';
import {
  type BenchEnv,
  chatOf,
  profiled,
  type ProfileOptions,
  sessionOf,
  startBare,
  startServer,
  stopSignal,
  tokensFor,
} from './server';

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
    const loads = [
      {
        figure: '100 users at once (own Cognito tokens), 3 turns each',
        short: '100 users at once',
        tokenOf: distinct,
        share: 0.45,
      },
      {
        figure: 'one user, 100 chats at once, 3 turns each',
        short: 'one user, 100 chats',
        tokenOf: single,
        share: 0.3,
      },
    ];
    for (const load of loads) {
      env.bedrock.reset();
      const base = await throughput(bare.url, 100, 3, load.tokenOf);
      const real = await throughput(url, 100, 3, load.tokenOf, server.proc.pid);
      record({
        section: 'scale',
        figure: `${load.figure}: turns/s`,
        value: real.perSecond,
        unit: 'turns/s',
        baseline: { label: 'bare SSE server', value: base.perSecond },
        target: `>= ${load.share.toFixed(2)} of baseline`,
        met: real.perSecond >= load.share * base.perSecond && real.errors === 0,
      });
      record({
        section: 'scale',
        figure: `${load.short}: server CPU time per turn`,
        value: real.cpuPerTurn,
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
