/**
 * The part of the store conformance suite the model edge relies on: turns stored in the old
 * Converse form read back neutral, the daily token counter, the session's summary and its usage
 * totals. Registered by `runConformance` (conformance.ts) inside its describe block.
 */
import assert from 'node:assert/strict';
import { InvalidRequestError, NotFoundError } from '../../../backend/src/core/errors';
import type { MemoryStore, StoredTurn } from '../../../backend/src/core/memory/types';
import type { Message } from '../../../backend/src/core/model/types';
import type { ConformanceTarget } from './conformance';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

/** What an earlier version stored for an answer with a tool call: Bedrock Converse messages. */
const CONVERSE_MESSAGES = [
  {
    role: 'assistant',
    content: [
      { reasoningContent: { reasoningText: { text: 'The user wants buckets.', signature: 'sig-1' } } },
      { text: 'Let me look.' },
      { toolUse: { toolUseId: 'legacy-1', name: 'aws_read', input: { service: 's3', op: 'ListBuckets' } } },
    ],
  },
  {
    role: 'user',
    content: [
      {
        toolResult: {
          toolUseId: 'legacy-1',
          status: 'success',
          content: [{ json: { Buckets: [{ Name: 'logs-é✓' }] } }, { text: 'and one more line' }],
        },
      },
    ],
  },
  {
    role: 'assistant',
    content: [{ text: 'You have one bucket, logs-é✓.' }, { cachePoint: { type: 'default' } }],
  },
  { role: 'user', content: [{ toolResult: { toolUseId: 'legacy-2', status: 'error', content: [] } }] },
];

/** The same, as every read must answer it. */
const NEUTRAL_MESSAGES: Message[] = [
  {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'The user wants buckets.', signature: 'sig-1' },
      { type: 'text', text: 'Let me look.' },
      {
        type: 'toolUse',
        toolUseId: 'legacy-1',
        name: 'aws_read',
        input: { service: 's3', op: 'ListBuckets' },
      },
    ],
  },
  {
    role: 'user',
    content: [
      {
        type: 'toolResult',
        toolUseId: 'legacy-1',
        status: 'success',
        text: '{"Buckets":[{"Name":"logs-é✓"}]}\nand one more line',
      },
    ],
  },
  { role: 'assistant', content: [{ type: 'text', text: 'You have one bucket, logs-é✓.' }] },
  { role: 'user', content: [{ type: 'toolResult', toolUseId: 'legacy-2', status: 'error', text: '' }] },
];

export function registerModelEdgeCases(get: () => { target: ConformanceTarget; store: MemoryStore }): void {
  const session = (actor: string, sessionId: string, seconds = 0) =>
    get().store.createSession(actor, { sessionId, title: `title ${sessionId}`, createdAt: at(seconds) });

  it('reads a turn stored in the old Converse form back neutral, losing nothing and rewriting nothing', async () => {
    const { store, target } = get();
    // Unique per run: the AgentCore fake keeps every test's events.
    const id = `legacy-${Math.random().toString(36).slice(2, 10)}`;
    await session('alice', id);
    await store.appendTurn('alice', id, {
      role: 'user',
      text: 'which buckets?',
      createdAt: at(1),
      status: 'complete',
      messages: [{ role: 'user', content: [{ text: 'which buckets?' }] }] as unknown as Message[],
    });
    const legacy = {
      role: 'assistant',
      text: 'You have one bucket, logs-é✓.',
      createdAt: at(2),
      status: 'complete',
      toolCalls: [{ id: 'legacy-1', name: 'aws_read', input: { service: 's3' }, status: 'success' }],
      usage: { inputTokens: 300, outputTokens: 20, cacheReadTokens: 200, modelId: 'anthropic.claude-x' },
      messages: CONVERSE_MESSAGES,
    } as unknown as StoredTurn;
    await store.appendTurn('alice', id, legacy);
    // A turn the new code writes, after it in the same session.
    const neutral: StoredTurn = {
      role: 'user',
      text: 'thanks',
      createdAt: at(3),
      status: 'complete',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'thanks' }] }],
    };
    await store.appendTurn('alice', id, neutral);

    const expected: StoredTurn = { ...legacy, messages: NEUTRAL_MESSAGES };
    const check = async (s: MemoryStore) => {
      const page = await s.getSession('alice', id, { limit: 10 });
      assert.deepEqual(page!.turns[0]!.messages, [
        { role: 'user', content: [{ type: 'text', text: 'which buckets?' }] },
      ]);
      assert.deepEqual(page!.turns[1], expected);
      assert.deepEqual(page!.turns[2], neutral);
      const recent = await s.recentTurns('alice', id, 2);
      assert.deepEqual(recent, [expected, neutral]);
    };
    await check(store);
    await check(await target.reopen());
    // Reading converted on the fly: the record is still stored as it was written.
    const raw = await target.raw('alice', id);
    for (const mark of ['reasoningContent', 'cachePoint', 'legacy-1', 'ListBuckets', 'sig-1'])
      assert.ok(raw.includes(mark), `the stored record still holds ${mark}`);
    assert.ok(!/"type":\s*"reasoning"/.test(raw.replace(/\\"/g, '"')), 'nothing was rewritten as neutral');
  });

  it('counts tokens per actor and UTC day, atomically under concurrent adds', async () => {
    const { store, target } = get();
    const day = '2026-03-01';
    assert.equal(await store.tokensUsed('alice', day), 0, 'nothing counted reads as 0');
    const adds = Array.from({ length: 20 }, (_, i) => 100 + i);
    const other = await target.reopen(); // a second process sharing the storage
    const totals = await Promise.all(adds.map((n, i) => (i % 2 ? other : store).addTokens('alice', day, n)));
    const sum = adds.reduce((a, b) => a + b, 0);
    assert.equal(await store.tokensUsed('alice', day), sum, 'every concurrent add is counted');
    assert.equal(Math.max(...totals), sum, 'the last add answers the full total');
    assert.equal(new Set(totals).size, totals.length, 'each add answers its own running total');
    assert.equal(await store.addTokens('alice', day, 0), sum, 'adding 0 reads the total');

    // Actors apart, lookalike ids included; days apart.
    for (const actor of ['bob', 'ALICE', 'alice ', 'alice#D#2026-03-01'])
      assert.equal(await store.tokensUsed(actor, day), 0, actor);
    assert.equal(await store.addTokens('bob', day, 7), 7);
    assert.equal(await store.tokensUsed('alice', '2026-03-02'), 0);
    assert.equal(await store.tokensUsed('alice', '2026-02-28'), 0);
    assert.equal(await store.addTokens('alice', '2026-03-02', 5), 5);
    assert.equal(await store.tokensUsed('alice', day), sum);
    assert.equal(await (await target.reopen()).tokensUsed('alice', day), sum, 'durable');

    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number])
      await assert.rejects(store.addTokens('alice', day, bad), InvalidRequestError, String(bad));
    for (const bad of ['2026-02-30', '2026-3-01', '2026-03-01T00:00:00Z', '../2026-03-01', ''])
      await assert.rejects(store.tokensUsed('alice', bad), InvalidRequestError, bad);
    assert.equal(await store.tokensUsed('alice', day), sum, 'refused adds counted nothing');
  });

  it('keeps one summary per session: saved, amended, scoped by actor, gone with the session', async () => {
    const { store, target } = get();
    await session('alice', 's1');
    await store.appendTurn('alice', 's1', { role: 'user', text: 'hi', createdAt: at(1), status: 'complete' });
    assert.equal(await store.getSummary('alice', 's1'), undefined);
    assert.equal((await store.getSession('alice', 's1', { limit: 5 }))!.summary, undefined);

    const first = { text: 'The user asked about S3.', keepFrom: 4, createdAt: at(10) };
    await store.saveSummary('alice', 's1', first);
    assert.deepEqual(await store.getSummary('alice', 's1'), first);
    assert.deepEqual((await store.getSession('alice', 's1', { limit: 1 }))!.summary, first);
    // Amended as the conversation grows; large, with characters a split must not cut.
    const amended = { text: `${'Findings: é✓ '.repeat(3000)}end`, keepFrom: 12, createdAt: at(20) };
    await store.saveSummary('alice', 's1', amended);
    assert.deepEqual(await store.getSummary('alice', 's1'), amended);
    assert.deepEqual(await (await target.reopen()).getSummary('alice', 's1'), amended, 'durable');
    // Only the contract's fields are kept.
    await store.saveSummary('alice', 's1', { ...first, extra: 'x' } as typeof first);
    assert.deepEqual(await store.getSummary('alice', 's1'), first);
    await assert.rejects(
      store.saveSummary('alice', 's1', { text: 'x', keepFrom: -1, createdAt: at(0) }),
      InvalidRequestError,
    );

    // Another actor reads nothing, writes nothing, and keeps its own.
    assert.equal(await store.getSummary('bob', 's1'), undefined);
    await assert.rejects(store.saveSummary('bob', 's1', amended), NotFoundError);
    await assert.rejects(store.saveSummary('alice', 'missing', amended), NotFoundError);
    await session('bob', 's1', 5);
    const bobs = { text: 'Bob asked about EC2.', keepFrom: 2, createdAt: at(30) };
    await store.saveSummary('bob', 's1', bobs);
    assert.deepEqual(await store.getSummary('alice', 's1'), first);
    assert.deepEqual(await store.getSummary('bob', 's1'), bobs);

    // Gone with the session; a new session with the same id starts without one.
    assert.equal(await store.deleteSession('alice', 's1'), true);
    assert.equal(await store.getSummary('alice', 's1'), undefined);
    await session('alice', 's1', 40);
    assert.equal(await store.getSummary('alice', 's1'), undefined);
    assert.equal((await (await target.reopen()).getSession('alice', 's1', { limit: 5 }))!.summary, undefined);
    assert.deepEqual(await store.getSummary('bob', 's1'), bobs);
  });

  it('totals a session’s usage as turns arrive, in getSession and listSessions', async () => {
    const { store, target } = get();
    await session('alice', 's1');
    await session('alice', 's2', 1);
    const user = (s: number): StoredTurn => ({
      role: 'user',
      text: `q${s}`,
      createdAt: at(s),
      status: 'complete',
    });
    const answer = (s: number, usage: StoredTurn['usage']): StoredTurn => ({
      role: 'assistant',
      text: `a${s}`,
      createdAt: at(s),
      status: 'complete',
      ...(usage ? { usage } : {}),
    });
    assert.equal((await store.appendTurn('alice', 's1', user(2))).usage, undefined, 'no usage yet');
    let returned = await store.appendTurn(
      'alice',
      's1',
      answer(3, { inputTokens: 1000, outputTokens: 50, cacheWriteTokens: 800, modelId: 'model-a' }),
    );
    assert.deepEqual(returned.usage, {
      inputTokens: 1000,
      outputTokens: 50,
      cacheWriteTokens: 800,
      modelId: 'model-a',
    });
    await store.appendTurn('alice', 's1', user(4));
    await store.appendTurn(
      'alice',
      's1',
      answer(5, { inputTokens: 1200, outputTokens: 70, cacheReadTokens: 900 }),
    );
    await store.appendTurn('alice', 's1', user(6));
    returned = await store.appendTurn(
      'alice',
      's1',
      answer(7, {
        inputTokens: 1500,
        outputTokens: 30,
        cacheReadTokens: 1100,
        cacheWriteTokens: 100,
        modelId: 'model-b',
      }),
    );
    const total = {
      inputTokens: 3700,
      outputTokens: 150,
      cacheReadTokens: 2000,
      cacheWriteTokens: 900,
      modelId: 'model-b',
    };
    assert.deepEqual(returned.usage, total);
    // An interrupted answer without usage leaves the totals as they were.
    await store.appendTurn('alice', 's1', { ...answer(8, undefined), status: 'interrupted' });
    await store.appendTurn('alice', 's2', answer(9, { inputTokens: 10, outputTokens: 1 }));

    const check = async (s: MemoryStore) => {
      assert.deepEqual((await s.getSession('alice', 's1', { limit: 2 }))!.session.usage, total);
      const listed = (await s.listSessions('alice', { limit: 10 })).items;
      assert.deepEqual(listed.find((x) => x.sessionId === 's1')!.usage, total);
      assert.deepEqual(listed.find((x) => x.sessionId === 's2')!.usage, { inputTokens: 10, outputTokens: 1 });
      // Also on a search hit and a later page.
      const hit = await s.listSessions('alice', { limit: 10, query: 'a7' });
      assert.deepEqual(
        hit.items.map((x) => x.usage),
        [total],
      );
      const first = await s.listSessions('alice', { limit: 1 });
      const rest = await s.listSessions('alice', { limit: 1, cursor: first.nextCursor! });
      assert.deepEqual(rest.items[0]!.usage, total);
    };
    await check(store);
    await check(await target.reopen());
    assert.equal((await store.renameSession('alice', 's1', 'renamed'))!.usage?.inputTokens, 3700);
  });
}
