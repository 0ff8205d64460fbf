/**
 * The one behaviour every `MemoryStore` must have, run unchanged against each store:
 * `runConformance('file', makeFileTarget)` in a `*.test.ts` file registers the whole suite.
 */
import assert from 'node:assert/strict';
import { UnavailableError, SessionChangedError } from '../../../backend/src/core/errors';
import type { MemoryStore, StoredTurn } from '../../../backend/src/core/memory/types';
import { registerModelEdgeCases } from './conformance-model';

export interface ConformanceTarget {
  /** A fresh, empty store (per test). */
  store: MemoryStore;
  /** A new store instance over the same data, as after a process restart. */
  reopen(): Promise<MemoryStore>;
  /** A store whose backing storage fails (unreachable service, unusable folder, missing table). */
  broken(): Promise<MemoryStore>;
  /** Everything stored for one session, as text in the backing storage's own form. */
  raw(actorId: string, sessionId: string): Promise<string>;
  dispose(): Promise<void>;
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const turn = (text: string, seconds: number, extra: Partial<StoredTurn> = {}): StoredTurn => ({
  role: 'user',
  text,
  createdAt: at(seconds),
  status: 'complete',
  ...extra,
});

export function runConformance(name: string, makeStore: () => Promise<ConformanceTarget>): void {
  describe(`MemoryStore conformance: ${name}`, function () {
    this.timeout(60_000);
    let target: ConformanceTarget;
    let store: MemoryStore;
    beforeEach(async () => {
      target = await makeStore();
      store = target.store;
    });
    afterEach(async () => target.dispose());

    async function session(actor: string, sessionId: string, seconds: number, title = `title ${sessionId}`) {
      return store.createSession(actor, { sessionId, title, createdAt: at(seconds) });
    }

    it('creates a session, appends turns in order and reads them back', async () => {
      const created = await session('alice', 's1', 0, 'first');
      assert.deepEqual(created, {
        sessionId: 's1',
        title: 'first',
        createdAt: at(0),
        updatedAt: at(0),
        turnCount: 0,
      });
      await store.appendTurn('alice', 's1', turn('hello', 1));
      const after = await store.appendTurn(
        'alice',
        's1',
        turn('hi there', 2, {
          role: 'assistant',
          toolCalls: [{ id: 'c1', name: 'aws_call', input: { a: 1 }, status: 'success' }],
          messages: [{ role: 'assistant', content: [{ type: 'text', text: 'hi there' }] }],
        }),
      );
      assert.equal(after.turnCount, 2);
      assert.equal(after.updatedAt, at(2));
      const got = await store.getSession('alice', 's1', { limit: 10 });
      assert.equal(got!.session.turnCount, 2);
      assert.equal(got!.session.title, 'first');
      assert.deepEqual(
        got!.turns.map((t) => t.text),
        ['hello', 'hi there'],
      );
      assert.deepEqual(got!.turns[1]!.toolCalls, [
        { id: 'c1', name: 'aws_call', input: { a: 1 }, status: 'success' },
      ]);
      assert.deepEqual(got!.turns[1]!.messages, [
        { role: 'assistant', content: [{ type: 'text', text: 'hi there' }] },
      ]);
      assert.equal(got!.nextCursor, undefined);
      await assert.rejects(session('alice', 's1', 5), /taken/);
    });

    it('lists sessions newest-updated first and pages with cursors, never skipping or repeating', async () => {
      for (let i = 0; i < 7; i++) await session('alice', `s${i}`, i);
      await store.appendTurn('alice', 's2', turn('bump', 100)); // s2 becomes the newest
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listSessions('alice', { limit: 3, ...(cursor ? { cursor } : {}) });
        assert.ok(page.items.length <= 3);
        seen.push(...page.items.map((s) => s.sessionId));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, ['s2', 's6', 's5', 's4', 's3', 's1', 's0']);
      const exact = await store.listSessions('alice', { limit: 7 });
      assert.equal(exact.items.length, 7);
      assert.equal(exact.nextCursor, undefined, 'no cursor when nothing is left');
      await assert.rejects(store.listSessions('alice', { limit: 3, cursor: 'not-a-cursor' }), /cursor/);
    });

    it('pages a session’s turns with cursors', async () => {
      await session('alice', 's1', 0);
      for (let i = 0; i < 5; i++) await store.appendTurn('alice', 's1', turn(`t${i}`, i + 1));
      const first = await store.getSession('alice', 's1', { limit: 2 });
      assert.deepEqual(
        first!.turns.map((t) => t.text),
        ['t0', 't1'],
      );
      const second = await store.getSession('alice', 's1', { limit: 2, cursor: first!.nextCursor! });
      const third = await store.getSession('alice', 's1', { limit: 2, cursor: second!.nextCursor! });
      assert.deepEqual(
        [...second!.turns, ...third!.turns].map((t) => t.text),
        ['t2', 't3', 't4'],
      );
      assert.equal(third!.nextCursor, undefined);
      assert.deepEqual(
        (await store.recentTurns('alice', 's1', 2)).map((t) => t.text),
        ['t3', 't4'],
      );
      assert.deepEqual(
        (await store.recentTurns('alice', 's1', 50)).map((t) => t.text),
        ['t0', 't1', 't2', 't3', 't4'],
      );
    });

    it('isolates actors: another actor’s session reads as missing and the same id stays separate', async () => {
      await session('alice', 's1', 0, 'alice’s');
      await store.appendTurn('alice', 's1', turn('secret', 1));
      assert.deepEqual(await store.listSessions('bob', { limit: 10 }), { items: [] });
      assert.deepEqual(await store.listSessions('bob', { limit: 10, query: 'secret' }), { items: [] });
      assert.equal(await store.getSession('bob', 's1', { limit: 10 }), undefined);
      assert.deepEqual(await store.recentTurns('bob', 's1', 10), []);
      assert.equal(await store.renameSession('bob', 's1', 'mine'), undefined);
      assert.equal(await store.deleteSession('bob', 's1'), false);
      await assert.rejects(store.appendTurn('bob', 's1', turn('intrusion', 2)), /no session/);
      await assert.rejects(store.amendTurn('bob', 's1', 0, { text: 'x', status: 'blocked' }), /no session/);
      // Actor ids are arbitrary strings: ones that look like keys or paths stay separate too.
      for (const actor of ['alice#S#s1', '../alice', 'alice ', 'ALICE']) {
        assert.deepEqual(await store.listSessions(actor, { limit: 10 }), { items: [] });
        assert.equal(await store.getSession(actor, 's1', { limit: 10 }), undefined);
      }
      await session('bob', 's1', 5, 'bob’s');
      await store.appendTurn('bob', 's1', turn('bob here', 6));
      const alice = await store.getSession('alice', 's1', { limit: 10 });
      assert.equal(alice!.session.title, 'alice’s');
      assert.deepEqual(
        alice!.turns.map((t) => t.text),
        ['secret'],
      );
      // A cursor from one actor's listing never opens another actor's sessions.
      await session('alice', 's2', 7);
      const page = await store.listSessions('alice', { limit: 1 });
      const bobs = await store.listSessions('bob', { limit: 10, cursor: page.nextCursor! });
      assert.ok(bobs.items.every((s) => s.title === 'bob’s'));
    });

    it('renames, and the new title is listed and searchable', async () => {
      await session('alice', 's1', 0, 'old name');
      const renamed = await store.renameSession('alice', 's1', 'Billing Alarms');
      assert.equal(renamed!.title, 'Billing Alarms');
      assert.equal((await store.getSession('alice', 's1', { limit: 1 }))!.session.title, 'Billing Alarms');
      assert.deepEqual(
        (await store.listSessions('alice', { limit: 10, query: 'billing' })).items.map((s) => s.sessionId),
        ['s1'],
      );
      assert.deepEqual((await store.listSessions('alice', { limit: 10, query: 'old name' })).items, []);
      assert.equal(await store.renameSession('alice', 'nope', 'x'), undefined);
    });

    it('deletes every trace of a session, and a new session may reuse the id', async () => {
      await session('alice', 's1', 0, 'doomed');
      for (let i = 0; i < 30; i++) await store.appendTurn('alice', 's1', turn(`t${i} needle`, i + 1));
      await session('alice', 's2', 100, 'kept');
      assert.equal(await store.deleteSession('alice', 's1'), true);
      assert.equal(await store.deleteSession('alice', 's1'), false);
      assert.equal(await store.getSession('alice', 's1', { limit: 10 }), undefined);
      assert.deepEqual(await store.recentTurns('alice', 's1', 10), []);
      assert.deepEqual(
        (await store.listSessions('alice', { limit: 10 })).items.map((s) => s.sessionId),
        ['s2'],
      );
      assert.deepEqual((await store.listSessions('alice', { limit: 10, query: 'needle' })).items, []);
      await assert.rejects(store.appendTurn('alice', 's1', turn('late', 200)), /no session/);
      const reopened = await target.reopen();
      assert.equal(await reopened.getSession('alice', 's1', { limit: 10 }), undefined);
      await session('alice', 's1', 300, 'reborn');
      const reborn = await store.getSession('alice', 's1', { limit: 50 });
      assert.equal(reborn!.session.turnCount, 0);
      assert.deepEqual(reborn!.turns, []);
    });

    it('keeps interrupted turns and amends a stored turn', async () => {
      await session('alice', 's1', 0);
      await store.appendTurn('alice', 's1', turn('something rude', 1));
      await store.appendTurn(
        'alice',
        's1',
        turn('half an ans', 2, { role: 'assistant', status: 'interrupted' }),
      );
      await store.amendTurn('alice', 's1', 0, { text: '[blocked]', status: 'blocked' });
      await assert.rejects(store.amendTurn('alice', 's1', 5, { text: 'x', status: 'blocked' }), /no turn/);
      const check = async (s: MemoryStore) => {
        const got = await s.getSession('alice', 's1', { limit: 10 });
        assert.deepEqual(
          got!.turns.map((t) => [t.text, t.status]),
          [
            ['[blocked]', 'blocked'],
            ['half an ans', 'interrupted'],
          ],
        );
        assert.equal(got!.session.turnCount, 2);
        // Blocked text is no longer stored anywhere a search could find it.
        assert.deepEqual((await s.listSessions('alice', { limit: 10, query: 'rude' })).items, []);
      };
      await check(store);
      await check(await target.reopen());
    });

    it('decides an approval exactly once under 10 racing writers', async () => {
      await session('alice', 's1', 0);
      await store.appendTurn('alice', 's1', turn('delete the stack', 1));
      await store.appendTurn('alice', 's1', turn('approve?', 2, { role: 'assistant' }));
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          store.appendTurn('alice', 's1', turn(`decision ${i}`, 3), { expectedTurnCount: 2 }),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1, 'exactly one decision is stored');
      assert.ok(lost.every((r) => r.reason instanceof SessionChangedError));
      const got = await (await target.reopen()).getSession('alice', 's1', { limit: 10 });
      assert.equal(got!.session.turnCount, 3);
      assert.equal(got!.turns.filter((t) => t.text.startsWith('decision')).length, 1);
      await assert.rejects(
        store.appendTurn('alice', 's1', turn('stale', 4), { expectedTurnCount: 2 }),
        SessionChangedError,
      );
    });

    it('keeps every turn of concurrent unconditional appends', async () => {
      await session('alice', 's1', 0);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.appendTurn('alice', 's1', turn(`c${i}`, 1))),
      );
      const got = await store.getSession('alice', 's1', { limit: 50 });
      assert.equal(got!.session.turnCount, 10);
      assert.deepEqual(
        new Set(got!.turns.map((t) => t.text)),
        new Set(Array.from({ length: 10 }, (_, i) => `c${i}`)),
      );
    });

    it('stores a 200-turn session and reads its tail for the model', async () => {
      await session('alice', 's1', 0);
      for (let i = 0; i < 200; i++)
        await store.appendTurn(
          'alice',
          's1',
          turn(`turn ${i}`, i + 1, { role: i % 2 ? 'assistant' : 'user' }),
        );
      const recent = await store.recentTurns('alice', 's1', 40);
      assert.deepEqual(
        recent.map((t) => t.text),
        Array.from({ length: 40 }, (_, i) => `turn ${160 + i}`),
      );
      const texts: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.getSession('alice', 's1', { limit: 50, ...(cursor ? { cursor } : {}) });
        texts.push(...page!.turns.map((t) => t.text));
        cursor = page!.nextCursor;
      } while (cursor);
      assert.deepEqual(
        texts,
        Array.from({ length: 200 }, (_, i) => `turn ${i}`),
      );
      assert.equal((await store.listSessions('alice', { limit: 1 })).items[0]!.turnCount, 200);
    });

    it('stores a turn with a 300 KB tool result and a multi-megabyte history', async () => {
      await session('alice', 's1', 0);
      const big = 'x'.repeat(300 * 1024) + 'é✓'.repeat(1000); // multi-byte characters across any split
      const toolTurn = turn('here is the result', 1, {
        role: 'assistant',
        messages: [
          { role: 'assistant', content: [{ type: 'toolUse', toolUseId: 't1', name: 'aws_call', input: {} }] },
          { role: 'user', content: [{ type: 'toolResult', toolUseId: 't1', status: 'success', text: big }] },
        ],
      });
      await store.appendTurn('alice', 's1', toolTurn);
      for (let i = 0; i < 8; i++)
        await store.appendTurn(
          'alice',
          's1',
          turn(`page ${i}`, i + 2, {
            messages: [{ role: 'user', content: [{ type: 'text', text: 'y'.repeat(500 * 1024) }] }],
          }),
        );
      const check = async (s: MemoryStore) => {
        const [first] = (await s.getSession('alice', 's1', { limit: 1 }))!.turns;
        assert.deepEqual(first, toolTurn);
        const recent = await s.recentTurns('alice', 's1', 9);
        assert.equal(recent.length, 9);
        assert.deepEqual(recent[0], toolTurn);
        assert.equal(recent[8]!.text, 'page 7');
      };
      await check(store);
      await check(await target.reopen());
    });

    it('loses nothing acknowledged when the store restarts in the middle of a conversation', async () => {
      await session('alice', 's1', 0, 'survivor');
      await store.appendTurn('alice', 's1', turn('before', 1));
      const second = await target.reopen();
      await second.appendTurn('alice', 's1', turn('during', 2, { role: 'assistant' }));
      await second.renameSession('alice', 's1', 'survivor renamed');
      await second.createSession('alice', { sessionId: 's2', title: 'new', createdAt: at(3) });
      const third = await target.reopen();
      const got = await third.getSession('alice', 's1', { limit: 10 });
      assert.equal(got!.session.title, 'survivor renamed');
      assert.deepEqual(
        got!.turns.map((t) => t.text),
        ['before', 'during'],
      );
      assert.deepEqual(
        (await third.listSessions('alice', { limit: 10 })).items.map((s) => s.sessionId),
        ['s2', 's1'],
      );
      assert.deepEqual(
        (await third.listSessions('alice', { limit: 10, query: 'during' })).items.map((s) => s.sessionId),
        ['s1'],
      );
      await third.appendTurn('alice', 's1', turn('after', 4), { expectedTurnCount: 2 });
      assert.equal((await third.recentTurns('alice', 's1', 1))[0]!.text, 'after');
    });

    it('searches titles and what was said, case-insensitively, with paging', async () => {
      await session('alice', 's1', 0, 'VPC peering');
      await session('alice', 's2', 1, 'Lambda errors');
      await session('alice', 's3', 2, 'Costs');
      await store.appendTurn('alice', 's2', turn('Why does my function time out in the VPC?', 3));
      await store.appendTurn('alice', 's3', turn('The NAT gateway costs the most', 4, { role: 'assistant' }));
      const ids = async (query: string, limit = 10) =>
        (await store.listSessions('alice', { limit, query })).items.map((s) => s.sessionId);
      assert.deepEqual(await ids('vpc'), ['s2', 's1']);
      assert.deepEqual(await ids('nat GATEWAY'), ['s3']);
      assert.deepEqual(await ids('lambda'), ['s2']);
      assert.deepEqual(await ids('kubernetes'), []);
      assert.deepEqual(await ids('  '), ['s3', 's2', 's1'], 'a blank query lists everything');
      const first = await store.listSessions('alice', { limit: 1, query: 'vpc' });
      assert.deepEqual(
        first.items.map((s) => s.sessionId),
        ['s2'],
      );
      const rest = await store.listSessions('alice', { limit: 5, query: 'vpc', cursor: first.nextCursor! });
      assert.deepEqual(
        rest.items.map((s) => s.sessionId),
        ['s1'],
      );
      assert.equal(rest.nextCursor, undefined);
      // Characters with meaning elsewhere are matched literally.
      await store.appendTurn('alice', 's1', turn('a literal %_*.(x) and "quotes"', 5));
      assert.deepEqual(await ids('%_*.(x)'), ['s1']);
      assert.deepEqual(await ids('"quotes"'), ['s1']);
    });

    it('surfaces a failing backing store as UnavailableError', async () => {
      const broken = await target.broken();
      const calls: Array<() => Promise<unknown>> = [
        () => broken.createSession('alice', { sessionId: 's1', title: 't', createdAt: at(0) }),
        () => broken.listSessions('alice', { limit: 10 }),
        () => broken.getSession('alice', 's1', { limit: 10 }),
        () => broken.recentTurns('alice', 's1', 10),
        () => broken.appendTurn('alice', 's1', turn('x', 1)),
        () => broken.renameSession('alice', 's1', 'x'),
        () => broken.deleteSession('alice', 's1'),
        () => broken.getSummary('alice', 's1'),
        () => broken.saveSummary('alice', 's1', { text: 't', keepFrom: 1, createdAt: at(0) }),
        () => broken.addTokens('alice', '2026-01-01', 1),
        () => broken.tokensUsed('alice', '2026-01-01'),
      ];
      for (const call of calls) await assert.rejects(call(), UnavailableError);
    });

    registerModelEdgeCases(() => ({ target, store }));
  });
}
