/**
 * `npm run bench`: speed and memory figures from one run, as percentiles and ratios.
 *  1. What the server adds to the model: time to first token and time to the last of 400 deltas,
 *     through the server vs straight from the Bedrock fake with the same SDK client.
 *  2. The file store: append latency (fsync'ed), list and cold-load times with 2,000 sessions.
 *  3. Server memory after 200 chats.
 * Needs `npm run build` first (npm run bench does it).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBedrockModel } from '../../backend/src/core/agent/model';
import { FileMemoryStore } from '../../backend/src/core/memory/file-store';
import { readEventStream } from '../../backend/src/protocol';
import { textTurn } from '../fakes/bedrock';
import { BackendStack } from '../support/stack';

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

async function serverOverhead() {
  const stack = await new BackendStack({ auth: 'none' }).start();
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIDBENCH';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
  const direct = createBedrockModel({ region: 'us-east-1', endpoint: stack.bedrock.url });
  const deltas = Array.from({ length: 400 }, (_, i) => `token${i} `);
  const rounds = 40;
  const server = { first: [] as number[], last: [] as number[] };
  const model = { first: [] as number[], last: [] as number[] };
  try {
    for (let i = 0; i < rounds + 5; i++) {
      stack.bedrock.enqueue(textTurn(deltas));
      let t0 = performance.now();
      let first = 0;
      const response = await stack.openChat({ message: `bench ${i}` });
      for await (const e of readEventStream(response.body!))
        if (e.type === 'text' && !first) first = performance.now() - t0;
      const last = performance.now() - t0;
      stack.bedrock.enqueue(textTurn(deltas));
      t0 = performance.now();
      let dFirst = 0;
      const stream = await direct.converseStream(
        { modelId: 'm', messages: [{ role: 'user', content: [{ text: 'x' }] }] },
        new AbortController().signal,
      );
      for await (const e of stream) if (e.contentBlockDelta && !dFirst) dFirst = performance.now() - t0;
      const dLast = performance.now() - t0;
      if (i < 5) continue; // warm-up
      (server.first.push(first), server.last.push(last), model.first.push(dFirst), model.last.push(dLast));
    }
    const pid = stack.server!.proc.pid!;
    for (let i = 0; i < 200; i++) {
      stack.bedrock.enqueue(textTurn(['a', 'b', 'c']));
      const r = await stack.openChat({ message: `mem ${i}` });
      for await (const _ of readEventStream(r.body!));
    }
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    console.log('\n1. Server overhead over the model (400-delta answers, %d rounds after warm-up)', rounds);
    console.log(
      `   time to first token  p50 ${ms(pct(server.first, 50))} vs model ${ms(pct(model.first, 50))}; p95 ${ms(pct(server.first, 95))} vs ${ms(pct(model.first, 95))}`,
    );
    console.log(
      `   time to last token   p50 ${ms(pct(server.last, 50))} vs model ${ms(pct(model.last, 50))}; ratio ${(pct(server.last, 50) / pct(model.last, 50)).toFixed(2)}x`,
    );
    console.log(`   server RSS after ${rounds + 5 + 200} chats: ${(rssKb / 1024).toFixed(1)} MiB`);
  } finally {
    await stack.stop();
  }
}

async function fileStore() {
  const dir = mkdtempSync(join(tmpdir(), 'ce-bench-'));
  try {
    const store = new FileMemoryStore(dir);
    const appends: number[] = [];
    await store.createSession('bench', {
      sessionId: 'hot',
      title: 'hot',
      createdAt: new Date().toISOString(),
    });
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      await store.appendTurn('bench', 'hot', {
        role: 'user',
        text: `turn ${i} `.repeat(20),
        createdAt: new Date().toISOString(),
        status: 'complete',
      });
      appends.push(performance.now() - t0);
    }
    for (let i = 0; i < 2000; i++)
      await store.createSession('bench', {
        sessionId: `s${i}`,
        title: `session ${i}`,
        createdAt: new Date(Date.now() - i * 60_000).toISOString(),
      });
    const lists: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await store.listSessions('bench', { limit: 50, query: i % 2 ? 'session 1' : undefined });
      lists.push(performance.now() - t0);
    }
    let t0 = performance.now();
    await new FileMemoryStore(dir).listSessions('bench', { limit: 50 });
    const coldWithIndex = performance.now() - t0;
    rmSync(join(dir, (await import('node:fs')).readdirSync(dir)[0]!, 'index.json'));
    t0 = performance.now();
    await new FileMemoryStore(dir).listSessions('bench', { limit: 50 });
    const coldRebuild = performance.now() - t0;
    console.log('\n2. File store');
    console.log(
      `   appendTurn (fdatasync'ed)        p50 ${ms(pct(appends, 50))}, p99 ${ms(pct(appends, 99))}`,
    );
    console.log(`   listSessions, 2,001 sessions     p50 ${ms(pct(lists, 50))}, p99 ${ms(pct(lists, 99))}`);
    console.log(
      `   cold load with index             ${ms(coldWithIndex)}; rebuilt from files ${ms(coldRebuild)} (${(coldRebuild / coldWithIndex).toFixed(1)}x)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Activation stays light because the AWS SDK and the agent core load on first use. */
function activation() {
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  const { statSync } = require('node:fs') as typeof import('node:fs');
  const script = join(__dirname, 'activation.cjs');
  const runs = (args: string[]) =>
    Array.from({ length: 10 }, () =>
      Number(execFileSync(process.execPath, [script, ...args], { encoding: 'utf8' })),
    );
  const activate = runs([]);
  const eager = runs(['--eager']);
  const size = (file: string) => `${(statSync(file).size / 1024 / 1024).toFixed(2)} MiB`;
  console.log('\n3. Extension activation (production bundle, fresh process, 10 runs)');
  console.log(
    `   load + activate()                 p50 ${ms(pct(activate, 50))}, p90 ${ms(pct(activate, 90))}`,
  );
  console.log(
    `   eager SDK clients, for comparison p50 ${ms(pct(eager, 50))} (${(pct(eager, 50) / pct(activate, 50)).toFixed(1)}x activation)`,
  );
  console.log(
    `   bundles: extension ${size('dist/extension.js')}, webview ${size('dist/webview/main.js')}, mermaid (on demand) ${size('dist/webview/mermaid.js')}`,
  );
}

(async () => {
  await serverOverhead();
  await fileStore();
  activation();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
