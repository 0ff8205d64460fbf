/**
 * What the file store keeps between calls (open files, recent turns, summaries) never makes it
 * answer differently from its files: after deletes, re-creations, amendments, racing writers and
 * a restart, every read matches what a fresh store reads from disk.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMemoryStore } from '../../../../backend/src/core/memory/file-store';
import type { StoredTurn } from '../../../../backend/src/core/memory/types';

const turn = (text: string, i: number, role: StoredTurn['role'] = 'user'): StoredTurn => ({
  role,
  text,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  status: 'complete',
});
const texts = (turns: StoredTurn[]) => turns.map((t) => t.text);

describe('FileMemoryStore: what it keeps in memory matches its files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ce-caches-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const open = (options = {}) => new FileMemoryStore(dir, () => {}, options);
  const create = (store: FileMemoryStore, sessionId: string, actor = 'alice') =>
    store.createSession(actor, { sessionId, title: sessionId, createdAt: turn('', 0).createdAt });

  it('a session deleted and created again under the same id holds only its new turns', async () => {
    const store = open();
    await create(store, 's1');
    await store.appendTurn('alice', 's1', turn('old', 1));
    assert.deepEqual(texts(await store.recentTurns('alice', 's1', 10)), ['old']);
    assert.equal(await store.deleteSession('alice', 's1'), true);
    await create(store, 's1');
    await store.appendTurn('alice', 's1', turn('new', 2));
    assert.deepEqual(texts(await store.recentTurns('alice', 's1', 10)), ['new']);
    const file = readdirSync(dir, { recursive: true }).find((f) => String(f).endsWith('s1.jsonl'))!;
    assert.ok(
      !readFileSync(join(dir, String(file)), 'utf8').includes('"old"'),
      'the new file has no old turn',
    );
    assert.deepEqual(texts(await open().recentTurns('alice', 's1', 10)), ['new']);
  });

  it('reads an amended turn back amended, from memory and after a restart', async () => {
    const store = open();
    await create(store, 's1');
    for (let i = 0; i < 4; i++) await store.appendTurn('alice', 's1', turn(`t${i}`, i + 1));
    await store.recentTurns('alice', 's1', 10); // now in memory
    await store.amendTurn('alice', 's1', 1, { text: 'masked', status: 'blocked', messages: [] });
    const expected = ['t0', 'masked', 't2', 't3'];
    assert.deepEqual(texts(await store.recentTurns('alice', 's1', 10)), expected);
    assert.deepEqual(texts((await store.getSession('alice', 's1', { limit: 10 }))!.turns), expected);
    assert.deepEqual(texts(await open().recentTurns('alice', 's1', 10)), expected);
    assert.deepEqual(texts(await open({ cacheChars: 0 }).recentTurns('alice', 's1', 10)), expected);
  });

  it('loses no turn when sessions are read into memory while their writers race', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `s${i}`);
    const texts = (turns: StoredTurn[]) => turns.map((t) => t.text.split(' ')[0]);
    const seed = open();
    // One actor a session, so each session's appends run at once with its first read; a long
    // first turn, so reading a session back takes a while and appends land meanwhile.
    for (const id of ids) {
      await create(seed, id, id);
      await seed.appendTurn(id, id, turn(`${id}-0 ${'x'.repeat(300_000)}`, 0));
    }
    let written = 1;
    // Each round a restarted store (nothing in memory) is read while it is written.
    for (let round = 0; round < 8; round++, written += 3) {
      const store = open();
      let writing = true;
      const writers = ids.map(async (id) => {
        for (let i = written; i < written + 3; i++) await store.appendTurn(id, id, turn(`${id}-${i}`, i));
      });
      const readers = ids.map(async (id) => {
        while (writing) {
          // Whatever the moment, what is read is the session's turns so far, none missing or twice.
          const seen = texts(await store.recentTurns(id, id, 100));
          assert.deepEqual(
            seen,
            seen.map((_, i) => `${id}-${i}`),
          );
          const page = await store.getSession(id, id, { limit: 100 });
          assert.equal(page!.turns.length, page!.session.turnCount);
          await new Promise((resolve) => setImmediate(resolve)); // as requests come: between I/O
        }
      });
      try {
        await Promise.all(writers);
      } finally {
        writing = false;
      }
      await Promise.all(readers);
      for (const id of ids)
        assert.deepEqual(
          texts(await store.recentTurns(id, id, 100)),
          Array.from({ length: written + 3 }, (_, i) => `${id}-${i}`),
        );
    }
  });

  it('hands every caller its own copy of a turn', async () => {
    const store = open();
    await create(store, 's1');
    await store.appendTurn('alice', 's1', turn('kept', 1));
    const [first] = await store.recentTurns('alice', 's1', 1);
    first!.text = 'changed by a caller';
    assert.deepEqual(texts(await store.recentTurns('alice', 's1', 1)), ['kept']);
  });

  it('never answers one actor from another actor’s session of the same id', async () => {
    const store = open();
    await create(store, 's1', 'alice');
    await create(store, 's1', 'bob');
    await store.appendTurn('alice', 's1', turn('alice says', 1));
    await store.appendTurn('bob', 's1', turn('bob says', 1));
    assert.deepEqual(texts(await store.recentTurns('alice', 's1', 10)), ['alice says']);
    assert.deepEqual(texts(await store.recentTurns('bob', 's1', 10)), ['bob says']);
    await store.saveSummary('alice', 's1', {
      text: 'alice summary',
      keepFrom: 1,
      createdAt: turn('', 2).createdAt,
    });
    assert.equal((await store.getSummary('alice', 's1'))?.text, 'alice summary');
    assert.equal(await store.getSummary('bob', 's1'), undefined);
  });

  it('forgets a summary with its session, and a session made again under its id has none', async () => {
    const store = open();
    await create(store, 's1');
    assert.equal(await store.getSummary('alice', 's1'), undefined); // "none" is remembered...
    await store.saveSummary('alice', 's1', { text: 'sum', keepFrom: 0, createdAt: turn('', 1).createdAt });
    assert.equal((await store.getSummary('alice', 's1'))?.text, 'sum'); // ...until one is saved
    assert.equal((await store.getSession('alice', 's1', { limit: 1 }))?.summary?.text, 'sum');
    await store.deleteSession('alice', 's1');
    await create(store, 's1');
    assert.equal(await store.getSummary('alice', 's1'), undefined);
    assert.equal(await open().getSummary('alice', 's1'), undefined);
  });

  it('serves pages of a session the same from memory as from the file, from either end', async () => {
    const cached = open();
    await create(cached, 's1');
    for (let i = 0; i < 25; i++) await cached.appendTurn('alice', 's1', turn(`t${i}`, i + 1));
    const uncached = open({ cacheChars: 0 });
    for (const store of [cached, uncached]) {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.getSession('alice', 's1', { limit: 7, ...(cursor ? { cursor } : {}) });
        pages.push(texts(page!.turns));
        cursor = page!.nextCursor;
      } while (cursor);
      assert.deepEqual(
        pages.flat(),
        Array.from({ length: 25 }, (_, i) => `t${i}`),
      );
      assert.deepEqual(texts(await store.recentTurns('alice', 's1', 3)), ['t22', 't23', 't24']);
      assert.deepEqual(await store.recentTurns('alice', 's1', 0), []);
    }
  });
});
