/**
 * One actor against another through the deployed stores' own methods (dynamodb on dynalite, and
 * agentcore on dynalite plus the AgentCore Memory fake): page cursors lifted from another actor's
 * listing or crafted by hand, session ids with key separators and odd characters, search queries
 * with expression and pattern characters, and `recall_past_conversations` across actors.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { encodeCursor } from '../../backend/src/core/memory/cursor';
import type { MemoryStore } from '../../backend/src/core/memory/types';
import { recallPastConversations } from '../../backend/src/core/tools/recall/tool';
import { useMemoryServices } from '../support/memory-services';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
const turn = (text: string, minute: number, role: 'user' | 'assistant' = 'user') => ({
  role,
  text,
  createdAt: at(minute),
  status: 'complete' as const,
});

describe('security: the deployed stores against a second actor', function () {
  const services = useMemoryServices();
  const stores: [string, () => MemoryStore][] = [
    ['dynamodb', () => services.dynamoStore(`sec-${randomUUID()}`, { retentionDays: 1 })],
    ['agentcore', () => services.agentCoreStore(`sec-${randomUUID()}`)],
  ];

  for (const [name, open] of stores) {
    describe(`security: actors stay apart in the ${name} store`, function () {
      let store: MemoryStore;
      // Fresh actor ids per test, so the shared AgentCore fake never mixes tests.
      let alice: string;
      let bob: string;

      beforeEach(async () => {
        store = open();
        alice = `alice-${randomUUID()}`;
        bob = `bob-${randomUUID()}`;
        for (let i = 0; i < 4; i++) {
          await store.createSession(alice, {
            sessionId: `a${i}`,
            title: `Alice VPC plan ${i}`,
            createdAt: at(i),
          });
          await store.appendTurn(alice, `a${i}`, turn(`alice secret plan ${i}: peer the VPC`, i + 1));
        }
        await store.createSession(bob, { sessionId: 'b0', title: 'Bob notes', createdAt: at(30) });
        await store.appendTurn(bob, 'b0', turn('bob talks about the VPC too', 31));
      });

      const aliceIds = () => Array.from({ length: 4 }, (_, i) => `a${i}`);

      it("a cursor from another actor's listing pages only the caller's own sessions", async () => {
        const page = await store.listSessions(alice, { limit: 1 });
        assert.ok(page.nextCursor);
        const seen = await store.listSessions(bob, { limit: 10, cursor: page.nextCursor });
        for (const s of seen.items) assert.ok(!aliceIds().includes(s.sessionId), s.sessionId);
      });

      it('a hand-made cursor naming another actor’s session reveals nothing of it', async () => {
        for (const cursor of [
          encodeCursor({ u: '9999-12-31T00:00:00.000Z', s: 'a3' }),
          encodeCursor({ u: at(4), s: 'a3' }),
          encodeCursor({ u: '~', s: `x#S#a3` }),
          encodeCursor({ u: '', s: '' }),
        ]) {
          const seen = await store.listSessions(bob, { limit: 10, cursor }).catch((e: Error) => e);
          if (seen instanceof Error) {
            assert.equal(seen.name, 'InvalidRequestError');
            continue;
          }
          for (const s of seen.items) assert.equal(s.sessionId, 'b0');
        }
      });

      it('refuses cursors that are not its own (other kinds, junk, huge) as InvalidRequestError', async () => {
        for (const cursor of [
          'not base64 !!',
          encodeCursor({ o: 1 }),
          encodeCursor({ u: 1, s: [] }),
          Buffer.from('{"u":"a","s":"b","__proto__":{"x":1}}').toString('base64url').slice(0, -2),
        ]) {
          await assert.rejects(store.listSessions(bob, { limit: 5, cursor }), {
            name: 'InvalidRequestError',
          });
        }
        await assert.rejects(store.getSession(alice, 'a0', { limit: 1, cursor: encodeCursor({ o: -1 }) }), {
          name: 'InvalidRequestError',
        });
      });

      it('a turn cursor from another actor’s session reads nothing of that session', async () => {
        const mine = await store.getSession(alice, 'a0', { limit: 1 });
        assert.equal(mine?.turns.length, 1);
        for (const cursor of [encodeCursor({ o: 0 }), encodeCursor({ o: 1 })])
          assert.equal(await store.getSession(bob, 'a0', { limit: 10, cursor }), undefined);
      });

      it('session ids with separators, paths and odd characters never reach another actor’s session', async () => {
        const odd = [
          'a0#',
          '#S#a0',
          'a0#S#',
          '../a0',
          'A0',
          'a0 ',
          ' a0',
          'a0\u0000',
          'a0%00',
          '*',
          '',
          'a0/..',
        ];
        for (const id of odd) {
          const got = await store.getSession(bob, id, { limit: 10 }).catch(() => undefined);
          assert.equal(got, undefined, `getSession(${JSON.stringify(id)})`);
          assert.deepEqual(await store.recentTurns(bob, id, 10).catch(() => []), []);
          assert.notEqual(await store.renameSession(bob, id, 'owned').catch(() => undefined), 'owned');
          await store.deleteSession(bob, id).catch(() => false);
          await assert.rejects(store.appendTurn(bob, id, turn('injected', 50)));
        }
        // Nothing Bob did touched Alice's sessions.
        const listed = await store.listSessions(alice, { limit: 10 });
        assert.deepEqual(listed.items.map((s) => s.sessionId).sort(), aliceIds());
        for (const s of listed.items) {
          assert.match(s.title, /^Alice VPC plan/);
          assert.equal(s.turnCount, 1);
        }
      });

      it('the same session id under two actors stays two sessions', async () => {
        await store.createSession(bob, { sessionId: 'a0', title: 'Bob a0', createdAt: at(40) });
        await store.appendTurn(bob, 'a0', turn('bob in a0', 41));
        const mine = await store.getSession(alice, 'a0', { limit: 10 });
        assert.deepEqual(
          mine?.turns.map((t) => t.text),
          ['alice secret plan 0: peer the VPC'],
        );
        assert.equal(await store.deleteSession(bob, 'a0'), true);
        assert.equal((await store.getSession(alice, 'a0', { limit: 10 }))?.session.title, 'Alice VPC plan 0');
      });

      it('search queries with expression, wildcard and pattern characters match literally, own sessions only', async () => {
        for (const query of [
          'alice',
          'secret',
          '%',
          '*',
          '.*',
          ':q',
          '#s',
          ') OR (1=1',
          'contains(said, :q)',
          '\\',
          '"',
          "'",
          '\u0000',
          'x'.repeat(5000),
        ]) {
          const page = await store.listSessions(bob, { limit: 10, query });
          for (const s of page.items)
            assert.equal(s.sessionId, 'b0', `query ${JSON.stringify(query.slice(0, 20))}`);
        }
        const literal = await store.listSessions(alice, { limit: 10, query: '.*' });
        assert.deepEqual(literal.items, []);
      });

      it("recall_past_conversations finds only the caller's own conversations", async () => {
        const recall = recallPastConversations(store);
        const signal = new AbortController().signal;
        const asBob = (await recall.run(
          { query: 'VPC', limit: 5 },
          { actorId: bob, region: 'us-east-1', signal },
        )) as {
          conversations: { sessionId: string; excerpts: { text: string }[] }[];
        };
        assert.deepEqual(
          asBob.conversations.map((c) => c.sessionId),
          ['b0'],
        );
        assert.doesNotMatch(JSON.stringify(asBob), /alice/i);
        const asStranger = (await recall.run(
          { query: 'secret plan', limit: 5 },
          { actorId: `eve-${randomUUID()}`, region: 'us-east-1', signal },
        )) as { conversations: unknown[] };
        assert.deepEqual(asStranger.conversations, []);
        // The input has no way to name another actor.
        assert.equal(recall.inputSchema.safeParse({ query: 'VPC', actorId: alice }).success, false);
      });
    });
  }
});
