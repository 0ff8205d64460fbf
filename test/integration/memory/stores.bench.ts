/**
 * Memory store costs, printed as a table (not run by `npm test`; no timing is asserted anywhere):
 *   node --import tsx test/integration/memory/stores.bench.ts [path/to/another/file-store.ts]
 * The optional argument is a FileMemoryStore to compare against, e.g. an older version.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoMemoryStore } from '../../../backend/src/core/memory/dynamodb/store';
import { FileMemoryStore } from '../../../backend/src/core/memory/file-store';
import type { MemoryStore, StoredTurn } from '../../../backend/src/core/memory/types';
import { startDynalite } from '../../support/dynalite';

type Make = (dir: string) => MemoryStore;
const syncs = { data: 0, full: 0 };

async function countSyncs(): Promise<void> {
  const handle = await openFile(__filename, 'r');
  const proto = Object.getPrototypeOf(handle) as FileHandle;
  await handle.close();
  const { datasync, sync } = proto;
  proto.datasync = function (this: FileHandle) {
    syncs.data++;
    return datasync.call(this);
  };
  proto.sync = function (this: FileHandle) {
    syncs.full++;
    return sync.call(this);
  };
}

const turn = (i: number): StoredTurn => ({
  role: i % 2 ? 'assistant' : 'user',
  text: `turn ${i} about VPC flow logs and NAT gateway costs `.repeat(8),
  createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  status: 'complete',
});

async function time<T>(work: () => Promise<T>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function seedSessions(
  store: MemoryStore,
  actor: string,
  count: number,
  concurrency = 16,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++)
        await store.createSession(actor, {
          sessionId: `s${i}`,
          title: `session ${i}`,
          createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
        });
    }),
  );
}

async function benchFile(name: string, make: Make): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'ce-bench-'));
  try {
    const out: Record<string, number> = {};
    let store = make(dir);
    await seedSessions(store, 'alice', 1000);
    // Appends to a session of an actor with 1,000 sessions.
    const creates: number[] = [];
    syncs.data = syncs.full = 0;
    for (let i = 0; i < 20; i++)
      creates.push(
        await time(() =>
          store.createSession('alice', { sessionId: `new${i}`, title: 'n', createdAt: turn(0).createdAt }),
        ),
      );
    out['createSession p50 ms (1,000 sessions)'] = median(creates);
    out['fdatasync per createSession'] = syncs.data / 20;
    out['directory fsync per createSession'] = syncs.full / 20;
    const appends: number[] = [];
    syncs.data = syncs.full = 0;
    for (let i = 0; i < 400; i++) appends.push(await time(() => store.appendTurn('alice', 's1', turn(i))));
    out['appendTurn p50 ms (1,000 sessions)'] = median(appends.slice(200));
    out['fdatasync per appendTurn'] = syncs.data / 400;
    // A chat turn's reads: the existence check and the model's context, on a 400-turn session.
    store = make(dir);
    await store.listSessions('alice', { limit: 1 });
    const reads: number[] = [];
    for (let i = 0; i < 50; i++)
      reads.push(
        await time(async () => {
          await store.getSession('alice', 's1', { limit: 1 });
          await store.recentTurns('alice', 's1', 40);
        }),
      );
    out['getSession(1) + recentTurns(40) p50 ms (400 turns)'] = median(reads);
    // 10,000 sessions for one actor.
    await seedSessions(store, 'bob', 10_000, 32);
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) warm.push(await time(() => store.listSessions('bob', { limit: 50 })));
    out['listSessions first page p50 ms (10,000 sessions, warm)'] = median(warm);
    const cold = make(dir);
    out['listSessions first page ms (10,000 sessions, new store)'] = await time(() =>
      cold.listSessions('bob', { limit: 50 }),
    );
    const searches: number[] = [];
    for (let i = 0; i < 10; i++)
      searches.push(await time(() => store.listSessions('bob', { limit: 50, query: 'session 99' })));
    out['listSessions query p50 ms (10,000 sessions)'] = median(searches);
    console.error(`${name}: done`);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchDynamo(): Promise<Record<string, number>> {
  const dynalite = await startDynalite();
  try {
    const store = new DynamoMemoryStore({
      table: 'bench',
      createTable: true,
      retentionDays: 365,
      ...dynalite,
    });
    await seedSessions(store, 'bob', 10_000, 32);
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) warm.push(await time(() => store.listSessions('bob', { limit: 50 })));
    return { 'listSessions first page p50 ms (10,000 sessions, warm)': median(warm) };
  } finally {
    await dynalite.close();
  }
}

async function main(): Promise<void> {
  await countSyncs();
  const columns: Array<[string, Record<string, number>]> = [];
  const other = process.argv[2];
  if (other) {
    const mod = (await import(resolve(other))) as { FileMemoryStore: new (root: string) => MemoryStore };
    columns.push([
      'file (compared)',
      await benchFile('compared', (dir) => new mod.FileMemoryStore(join(dir, 'm'))),
    ]);
  }
  columns.push(['file', await benchFile('file', (dir) => new FileMemoryStore(join(dir, 'm')))]);
  columns.push(['dynamodb (dynalite)', await benchDynamo()]);
  const rows = [...new Set(columns.flatMap(([, c]) => Object.keys(c)))];
  console.log(`| figure | ${columns.map(([n]) => n).join(' | ')}${other ? ' | ratio file/compared' : ''} |`);
  console.log(`| --- | ${columns.map(() => '---').join(' | ')}${other ? ' | ---' : ''} |`);
  for (const row of rows) {
    const cells = columns.map(([, c]) => (c[row] === undefined ? '' : c[row]!.toFixed(2)));
    const ratio =
      other && columns[0]![1][row] ? (columns[1]![1][row]! / columns[0]![1][row]!).toFixed(3) : '';
    console.log(`| ${row} | ${cells.join(' | ')}${other ? ` | ${ratio}` : ''} |`);
  }
}

void main();
