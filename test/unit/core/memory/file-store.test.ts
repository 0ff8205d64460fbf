import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCursor } from '../../../../backend/src/core/memory/cursor';
import { FileMemoryStore } from '../../../../backend/src/core/memory/file-store';
import type { StoredTurn } from '../../../../backend/src/core/memory/types';

const turn = (
  text: string,
  role: 'user' | 'assistant' = 'user',
  createdAt = new Date().toISOString(),
): StoredTurn => ({
  role,
  text,
  createdAt,
  status: 'complete',
});

describe('FileMemoryStore', () => {
  let dir: string;
  let warnings: string[];
  const open = () => new FileMemoryStore(dir, (m) => warnings.push(m));
  const actorDir = () => join(dir, readdirSync(dir)[0]!);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ce-store-'));
    warnings = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function seed(store: FileMemoryStore, sessionId = 's1', turns = 3) {
    await store.createSession('alice', { sessionId, title: 'first', createdAt: '2026-01-01T00:00:00.000Z' });
    for (let i = 0; i < turns; i++)
      await store.appendTurn(
        'alice',
        sessionId,
        turn(`turn ${i}`, i % 2 ? 'assistant' : 'user', `2026-01-01T00:00:0${i + 1}.000Z`),
      );
  }

  it('reloads every whole turn when a crash left a torn last line, and repairs the file on the next append', async () => {
    await seed(open());
    const file = join(actorDir(), 's1.jsonl');
    appendFileSync(file, '{"t":"turn","role":"user","text":"half a li'); // a write cut by a crash

    const reopened = open();
    const got = await reopened.getSession('alice', 's1', { limit: 50 });
    assert.deepEqual(
      got!.turns.map((t) => t.text),
      ['turn 0', 'turn 1', 'turn 2'],
    );
    assert.equal(got!.session.turnCount, 3);
    assert.ok(warnings.some((w) => /torn last line/.test(w)));

    await reopened.appendTurn('alice', 's1', turn('after the crash'));
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.at(-1), '', 'the file ends with a newline');
    assert.ok(
      lines.slice(0, -1).every((l) => JSON.parse(l)),
      'every line is whole JSON again',
    );
    const after = await open().getSession('alice', 's1', { limit: 50 });
    assert.deepEqual(
      after!.turns.map((t) => t.text),
      ['turn 0', 'turn 1', 'turn 2', 'after the crash'],
    );
  });

  it('skips a corrupt middle line and keeps the turns around it', async () => {
    await seed(open());
    const file = join(actorDir(), 's1.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(2, 0, '{not json');
    writeFileSync(file, lines.join('\n'));
    const got = await open().getSession('alice', 's1', { limit: 50 });
    assert.deepEqual(
      got!.turns.map((t) => t.text),
      ['turn 0', 'turn 1', 'turn 2'],
    );
    assert.ok(warnings.some((w) => /corrupt line 3/.test(w)));
  });

  it('rebuilds a lost or unreadable index from the session files', async () => {
    await seed(open(), 's1', 2);
    await seed(open(), 's2', 1);
    const expected = await open().listSessions('alice', { limit: 10 });
    const indexFiles = () => readdirSync(actorDir()).filter((f) => f.startsWith('index.'));
    assert.ok(indexFiles().length > 0);
    for (const f of indexFiles()) rmSync(join(actorDir(), f));
    assert.deepEqual(await open().listSessions('alice', { limit: 10 }), expected);
    writeFileSync(join(actorDir(), 'index.json'), '{garbage');
    assert.deepEqual(await open().listSessions('alice', { limit: 10 }), expected);
    assert.ok(warnings.some((w) => /unreadable index/.test(w)));
  });

  it('corrects a stale index entry (a crash between the turn and the index write)', async () => {
    await seed(open(), 's1', 1);
    // A turn that reached the session file but not the index:
    appendFileSync(
      join(actorDir(), 's1.jsonl'),
      `${JSON.stringify({ t: 'turn', ...turn('late', 'assistant', '2026-02-01T00:00:00.000Z') })}\n`,
    );
    const [session] = (await open().listSessions('alice', { limit: 10 })).items;
    assert.equal(session!.turnCount, 2);
    assert.equal(session!.updatedAt, '2026-02-01T00:00:00.000Z');
  });

  it('scopes every call by actor', async () => {
    const store = open();
    await seed(store);
    assert.deepEqual(await store.listSessions('bob', { limit: 10 }), { items: [] });
    assert.equal(await store.getSession('bob', 's1', { limit: 10 }), undefined);
    assert.deepEqual(await store.recentTurns('bob', 's1', 10), []);
    assert.equal(await store.renameSession('bob', 's1', 'mine now'), undefined);
    assert.equal(await store.deleteSession('bob', 's1'), false);
    await assert.rejects(store.appendTurn('bob', 's1', turn('intrusion')), /no session s1/);
    // Bob may use the same id for his own session without touching Alice's.
    await store.createSession('bob', {
      sessionId: 's1',
      title: 'bob',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    assert.equal((await store.getSession('alice', 's1', { limit: 10 }))!.session.title, 'first');
    assert.equal((await store.getSession('alice', 's1', { limit: 10 }))!.turns.length, 3);
  });

  it('refuses session ids that could name a path', async () => {
    const store = open();
    for (const sessionId of ['../escape', 'a/b', '.hidden', '', 'a'.repeat(101)]) {
      await assert.rejects(
        store.createSession('alice', { sessionId, title: 't', createdAt: '2026-01-01T00:00:00.000Z' }),
        /invalid sessionId/,
      );
    }
    assert.deepEqual(
      readdirSync(dir).flatMap((d) => readdirSync(join(dir, d))),
      [],
    );
  });

  it('keeps every turn of concurrent appends', async () => {
    const store = open();
    await store.createSession('alice', {
      sessionId: 's1',
      title: 't',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.appendTurn('alice', 's1', turn(`t${i}`))));
    const got = await open().getSession('alice', 's1', { limit: 100 });
    assert.equal(got!.turns.length, 50);
    assert.deepEqual(
      new Set(got!.turns.map((t) => t.text)),
      new Set(Array.from({ length: 50 }, (_, i) => `t${i}`)),
    );
  });

  it('renames by appending, so the original title survives in the log', async () => {
    const store = open();
    await seed(store);
    await store.renameSession('alice', 's1', 'renamed');
    assert.equal((await open().getSession('alice', 's1', { limit: 1 }))!.session.title, 'renamed');
    assert.match(
      readFileSync(join(actorDir(), 's1.jsonl'), 'utf8'),
      /"title":"first"[\s\S]*"title":"renamed"/,
    );
  });

  it('records each change as one journal line instead of rewriting the index', async () => {
    const store = open();
    await seed(store, 's1', 0);
    await seed(store, 's2', 0);
    const journal = () => readdirSync(actorDir()).find((f) => f.endsWith('.journal'))!;
    const lines = () => readFileSync(join(actorDir(), journal()), 'utf8').split('\n').filter(Boolean).length;
    const before = lines();
    await store.appendTurn('alice', 's1', turn('one more about NAT gateways'));
    assert.equal(lines(), before + 1);
    // The journal alone (no snapshot yet) brings back sessions and their search text.
    const reopened = open();
    assert.deepEqual(
      (await reopened.listSessions('alice', { limit: 10, query: 'nat gateway' })).items.map(
        (s) => s.sessionId,
      ),
      ['s1'],
    );
    assert.equal(warnings.length, 0);
  });

  it('folds a long journal into a snapshot and still loads every session', async () => {
    const store = open();
    await seed(store, 's1', 0);
    for (let i = 0; i < 150; i++) await store.appendTurn('alice', 's1', turn(`t${i}`));
    assert.ok(readdirSync(actorDir()).includes('index.json'), 'a snapshot was written');
    const journal = readdirSync(actorDir()).find((f) => f.endsWith('.journal'));
    if (journal) assert.ok(readFileSync(join(actorDir(), journal), 'utf8').split('\n').length < 100);
    const got = await open().getSession('alice', 's1', { limit: 200 });
    assert.equal(got!.session.turnCount, 150);
    assert.equal(got!.turns.at(-1)!.text, 't149');
  });

  it('ignores a torn journal line and repairs the entry from the session file', async () => {
    const store = open();
    await seed(store, 's1', 2);
    const journal = readdirSync(actorDir()).find((f) => f.endsWith('.journal'))!;
    appendFileSync(join(actorDir(), journal), '{"id":"s1","s":{"sessi');
    appendFileSync(
      join(actorDir(), 's1.jsonl'),
      `${JSON.stringify({ t: 'turn', ...turn('unindexed words', 'assistant', '2026-03-01T00:00:00.000Z') })}\n`,
    );
    const reopened = open();
    const [session] = (await reopened.listSessions('alice', { limit: 10, query: 'unindexed' })).items;
    assert.equal(session!.turnCount, 3);
    assert.deepEqual(
      (await reopened.recentTurns('alice', 's1', 2)).map((t) => t.text),
      ['turn 1', 'unindexed words'],
    );
  });

  it('reads the latest amendment of a turn from either end of the file', async () => {
    const store = open();
    await seed(store, 's1', 6);
    await store.amendTurn('alice', 's1', 0, { text: 'first redacted', status: 'blocked' });
    await store.amendTurn('alice', 's1', 5, { text: 'last redacted', status: 'blocked' });
    await store.amendTurn('alice', 's1', 0, { text: 'first redacted again', status: 'blocked' });
    await store.appendTurn('alice', 's1', turn('after'));
    for (const s of [store, open()]) {
      assert.deepEqual(
        (await s.getSession('alice', 's1', { limit: 2 }))!.turns.map((t) => t.text),
        ['first redacted again', 'turn 1'],
      );
      assert.deepEqual(
        (await s.recentTurns('alice', 's1', 2)).map((t) => t.text),
        ['last redacted', 'after'],
      );
      const tail = await s.getSession('alice', 's1', { limit: 10, cursor: encodeCursor({ o: 5 }) });
      assert.deepEqual(
        tail!.turns.map((t) => t.text),
        ['last redacted', 'after'],
      );
    }
  });
});
