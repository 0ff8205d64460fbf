/**
 * What the `agentcore` store does at the wire, beyond the conformance suite: what each operation
 * costs, what the events look like, retries, partial failures and long-term search.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { UnavailableError } from '../../../backend/src/core/errors';
import { METADATA_VALUE_PATTERN } from '../../../backend/src/core/memory/agentcore/encoding';
import { memoryActorId } from '../../../backend/src/core/memory/agentcore/event-log';
import { AgentCoreMemoryStore } from '../../../backend/src/core/memory/agentcore/store';
import { FileMemoryStore } from '../../../backend/src/core/memory/file-store';
import type { StoredTurn } from '../../../backend/src/core/memory/types';
import { hasLongTermSearch } from '../../../backend/src/core/tools/recall/search';
import { AgentCoreMemoryFake, FAKE_MEMORY_ID } from '../../fakes/agentcore-memory';
import { countingProxy, startDynalite, type Dynalite } from '../../support/dynalite';

const turn = (text: string, extra: Partial<StoredTurn> = {}): StoredTurn => ({
  role: 'user',
  text,
  createdAt: new Date().toISOString(),
  status: 'complete',
  ...extra,
});

describe('agentcore memory store at the wire', function () {
  this.timeout(60_000);
  let dynalite: Dynalite;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let fake: AgentCoreMemoryFake;
  let fakeUrl: string;
  let store: AgentCoreMemoryStore;
  let clock: number;

  before(async () => {
    dynalite = await startDynalite();
    proxy = await countingProxy(dynalite.endpoint);
    fake = new AgentCoreMemoryFake();
    fakeUrl = await fake.start();
  });
  after(async () => {
    await fake?.stop();
    await proxy?.close();
    await dynalite?.close();
  });
  beforeEach(() => {
    clock = Date.parse('2026-11-01T00:00:00Z');
    store = open();
  });

  /** A store on a fresh index table; its clock moves a second per write, as a conversation does. */
  function open(table = `index-${randomUUID()}`): AgentCoreMemoryStore {
    return new AgentCoreMemoryStore({
      memoryId: FAKE_MEMORY_ID,
      table,
      region: dynalite.region,
      credentials: dynalite.credentials,
      dynamodbEndpoint: proxy.url,
      agentCoreEndpoint: fakeUrl,
      now: () => new Date((clock += 1000)),
    });
  }

  function resetCounts(): void {
    proxy.ops.length = 0;
    fake.calls.length = 0;
  }

  it('lists the first page with one DynamoDB query and no Memory call, however many sessions exist', async () => {
    const actor = `lister-${randomUUID()}`;
    for (let i = 0; i < 40; i++)
      await store.createSession(actor, {
        sessionId: `s${i}`,
        title: `t${i}`,
        createdAt: new Date(clock + i).toISOString(),
      });
    resetCounts();
    const page = await store.listSessions(actor, { limit: 20 });
    assert.equal(page.items.length, 20);
    assert.ok(page.nextCursor);
    assert.deepEqual(proxy.ops, ['Query']);
    assert.equal(fake.calls.length, 0);
    resetCounts();
    await store.listSessions(actor, { limit: 20, cursor: page.nextCursor });
    assert.deepEqual(proxy.ops, ['Query']);
  });

  it('checks an empty index against the Memory API once, within two calls', async () => {
    const actor = `new-${randomUUID()}`;
    await store.listSessions('warm-up', { limit: 1 }); // the local table is created on first use
    resetCounts();
    assert.deepEqual(await store.listSessions(actor, { limit: 20 }), { items: [] });
    assert.deepEqual(proxy.ops, ['Query']);
    assert.deepEqual(
      fake.calls.map((c) => c.op),
      ['ListSessions'],
    );
    resetCounts();
    await store.listSessions(actor, { limit: 20 });
    assert.deepEqual(proxy.ops, ['Query']);
    assert.equal(fake.calls.length, 0);
  });

  it('rebuilds a lost session index from the Memory events', async () => {
    const actor = `healer-${randomUUID()}`;
    const at = (s: number) => new Date(Date.parse('2026-10-01T00:00:00Z') + s * 1000).toISOString();
    await store.createSession(actor, { sessionId: 'h1', title: 'first', taskId: 'task-1', createdAt: at(0) });
    await store.appendTurn(actor, 'h1', turn('about the VPC', { createdAt: at(1) }));
    await store.appendTurn(actor, 'h1', turn('peering it is', { role: 'assistant', createdAt: at(2) }));
    await store.renameSession(actor, 'h1', 'VPC plan');
    await store.createSession(actor, { sessionId: 'h2', title: 'second', createdAt: at(5) });
    await store.createSession(actor, { sessionId: 'gone', title: 'deleted', createdAt: at(6) });
    await store.deleteSession(actor, 'gone');
    const before = await store.listSessions(actor, { limit: 10 });
    // The same memory, a brand-new (empty) index table.
    const healed = open();
    const after = await healed.listSessions(actor, { limit: 10 });
    assert.deepEqual(after, before);
    assert.deepEqual(
      after.items.map((s) => [s.sessionId, s.title, s.turnCount, s.taskId]),
      [
        ['h2', 'second', 0, undefined],
        ['h1', 'VPC plan', 2, 'task-1'],
      ],
    );
    assert.deepEqual(
      (await healed.listSessions(actor, { limit: 10, query: 'peering' })).items.map((s) => s.sessionId),
      ['h1'],
    );
    // Writes go on from where the events left off, and an approval still needs the right count.
    await healed.appendTurn(actor, 'h1', turn('and then?', { createdAt: at(9) }), { expectedTurnCount: 2 });
    assert.deepEqual(
      (await healed.getSession(actor, 'h1', { limit: 10 }))!.turns.map((t) => t.text),
      ['about the VPC', 'peering it is', 'and then?'],
    );
  });

  it('writes turns as conversational events plus a blob, under the actor, ordered by sequence number', async () => {
    resetCounts();
    await store.createSession('alice', {
      sessionId: 'w1',
      title: 'Costs: ✓ #1',
      taskId: 'cost/top&more',
      createdAt: new Date(clock).toISOString(),
    });
    await store.appendTurn('alice', 'w1', turn('what costs most?'));
    await store.appendTurn(
      'alice',
      'w1',
      turn('NAT gateways.', {
        role: 'assistant',
        toolCalls: [{ id: 'c1', name: 'aws_call', input: {}, status: 'success' }],
      }),
    );
    await store.renameSession('alice', 'w1', 'renamed');
    const events = fake.sessionEvents('alice', 'w1').reverse();
    assert.deepEqual(
      events.map((e) => e.metadata?.kind?.stringValue),
      ['meta', 'turn', 'turn', 'title'],
    );
    const said = events.flatMap((e) =>
      e.payload.flatMap((p) => {
        const c = (p as { conversational?: { role: string; content: { text: string } } }).conversational;
        return c ? [[c.role, c.content.text]] : [];
      }),
    );
    assert.deepEqual(said, [
      ['USER', 'what costs most?'],
      ['ASSISTANT', 'NAT gateways.'],
    ]);
    for (const e of events)
      for (const v of Object.values(e.metadata ?? {})) assert.match(v.stringValue, METADATA_VALUE_PATTERN);
    assert.equal(events[0]!.metadata?.task?.stringValue, 'cost/top=26more');
    // Only turns feed long-term extraction.
    const modes = fake.calls
      .filter((c) => c.op === 'CreateEvent')
      .map((c) => c.body.extractionMode ?? 'extract');
    assert.deepEqual(modes, ['SKIP', 'extract', 'extract', 'SKIP']);
    // Whole seconds, from the store's clock, never going back.
    const times = events.map((e) => e.eventTimestamp);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
  });

  it('maps actor ids outside the service alphabet to a hash, so none is rejected or confused', async () => {
    assert.equal(
      memoryActorId('0b1c2d3e-aaaa-bbbb-cccc-1234567890ab'),
      '0b1c2d3e-aaaa-bbbb-cccc-1234567890ab',
    );
    const odd = ['alice#S#s1', '../alice', 'alice ', 'é', 'x'.repeat(300), 'sha256:abc', 'carol/x', 'a:b'];
    const mapped = odd.map(memoryActorId);
    assert.equal(new Set(mapped).size, odd.length);
    for (const id of mapped) assert.match(id, /^sha256:[0-9a-f]{64}$/);
    await store.createSession('../alice', {
      sessionId: 'm1',
      title: 't',
      createdAt: new Date(clock).toISOString(),
    });
    await store.appendTurn('../alice', 'm1', turn('hi'));
    assert.equal(fake.sessionEvents(memoryActorId('../alice'), 'm1').length, 2);
    assert.equal((await store.getSession('../alice', 'm1', { limit: 5 }))!.turns[0]!.text, 'hi');
  });

  it('stores a turn once when the answer to CreateEvent is lost and the SDK retries with the same token', async () => {
    await store.createSession('alice', {
      sessionId: 'r1',
      title: 't',
      createdAt: new Date(clock).toISOString(),
    });
    resetCounts();
    fake.failNext('CreateEvent', { afterStore: true });
    await store.appendTurn('alice', 'r1', turn('only once'));
    assert.equal(fake.count('CreateEvent'), 2); // the call whose answer was lost, and its retry
    assert.equal(fake.sessionEvents('alice', 'r1').length, 2);
    assert.deepEqual(
      (await store.getSession('alice', 'r1', { limit: 5 }))!.turns.map((t) => t.text),
      ['only once'],
    );
  });

  it('stores a 300 KB JSON tool result (quotes escaped twice on the wire) within the blob limit', async () => {
    await store.createSession('alice', {
      sessionId: 'j1',
      title: 't',
      createdAt: new Date(clock).toISOString(),
    });
    const rows = Array.from({ length: 4000 }, (_, i) => ({
      id: `i-${i}`,
      tags: { 'k"ey': 'v\\al', ü: '✓' },
    }));
    const result = JSON.stringify(rows);
    assert.ok(result.length > 150_000);
    const big = turn('done', {
      role: 'assistant',
      messages: [
        {
          role: 'user',
          content: [{ type: 'toolResult', toolUseId: 't', status: 'success', text: result + result }],
        },
      ],
    });
    await store.appendTurn('alice', 'j1', big);
    assert.deepEqual((await store.getSession('alice', 'j1', { limit: 1 }))!.turns, [big]);
  });

  it('does not count a turn whose events could not be written, and answers 503', async () => {
    await store.createSession('alice', {
      sessionId: 'f1',
      title: 't',
      createdAt: new Date(clock).toISOString(),
    });
    await store.appendTurn('alice', 'f1', turn('first'));
    fake.failNext('CreateEvent', { type: 'ValidationException', status: 400 });
    await assert.rejects(store.appendTurn('alice', 'f1', turn('lost')), UnavailableError);
    const got = await store.getSession('alice', 'f1', { limit: 5 });
    assert.equal(got!.session.turnCount, 1);
    await store.appendTurn('alice', 'f1', turn('second'), { expectedTurnCount: 1 });
    assert.deepEqual(
      (await store.getSession('alice', 'f1', { limit: 5 }))!.turns.map((t) => t.text),
      ['first', 'second'],
    );
  });

  it('reads the recent turns of a long session from the newest page of events only', async () => {
    await store.createSession('alice', {
      sessionId: 'long',
      title: 't',
      createdAt: new Date(clock).toISOString(),
    });
    for (let i = 0; i < 150; i++) await store.appendTurn('alice', 'long', turn(`turn ${i}`));
    resetCounts();
    const recent = await store.recentTurns('alice', 'long', 20);
    assert.deepEqual(
      recent.map((t) => t.text),
      Array.from({ length: 20 }, (_, i) => `turn ${130 + i}`),
    );
    assert.equal(fake.count('ListEvents'), 1);
    assert.ok(fake.calls.every((c) => c.op !== 'ListEvents' || c.body.maxResults === 100));
  });

  it('amending a blocked message removes its text from the Memory events', async () => {
    await store.createSession('alice', {
      sessionId: 'b1',
      title: 't',
      createdAt: new Date(clock).toISOString(),
    });
    await store.appendTurn('alice', 'b1', turn('my password is hunter2'));
    resetCounts();
    await store.amendTurn('alice', 'b1', 0, { text: '[blocked by guardrail]', status: 'blocked' });
    assert.doesNotMatch(JSON.stringify(fake.sessionEvents('alice', 'b1')), /hunter2/);
    assert.equal(fake.count('DeleteEvent'), 1);
    const amended = fake.calls.filter((c) => c.op === 'CreateEvent').at(-1)!;
    assert.equal(amended.body.extractionMode, 'SKIP', 'blocked text is never offered to extraction');
    const got = await store.getSession('alice', 'b1', { limit: 5 });
    assert.deepEqual(
      got!.turns.map((t) => [t.text, t.status]),
      [['[blocked by guardrail]', 'blocked']],
    );
  });

  it('turns throttling and other service failures into 503 like every store, without their details', async () => {
    await store.createSession('alice', {
      sessionId: 't1',
      title: 't',
      createdAt: new Date(clock).toISOString(),
    });
    fake.failNext('ListEvents', { type: 'ThrottledException', status: 429, times: 3 });
    await assert.rejects(store.getSession('alice', 't1', { limit: 5 }), (e: Error & { status?: number }) => {
      assert.equal(e.name, 'UnavailableError');
      assert.equal(e.status, 503);
      return true;
    });
    fake.failNext('ListEvents', { type: 'AccessDeniedException', status: 403 });
    await assert.rejects(store.getSession('alice', 't1', { limit: 5 }), (e: Error) => {
      assert.ok(e instanceof UnavailableError);
      assert.doesNotMatch(e.message, /AccessDenied|injected/);
      return true;
    });
  });

  it('rejects hostile session ids and bounds what a search sends', async () => {
    for (const sessionId of ['../x', 'a/b', 'a#S#b', '', 'x'.repeat(101), 'é']) {
      await assert.rejects(
        store.createSession('alice', { sessionId, title: 't', createdAt: new Date(clock).toISOString() }),
        /invalid sessionId/,
      );
      assert.equal(await store.getSession('alice', sessionId, { limit: 5 }), undefined);
      assert.deepEqual(await store.recentTurns('alice', sessionId, 5), []);
    }
    resetCounts();
    await store.searchLongTerm('alice', 'q'.repeat(20_000), { limit: 10_000 });
    const call = fake.calls.find((c) => c.op === 'RetrieveMemoryRecords')!;
    const criteria = call.body.searchCriteria as { searchQuery: string; topK: number };
    assert.equal(criteria.searchQuery.length, 1000);
    assert.equal(criteria.topK, 50);
  });

  it('deletes a session’s events one by one', async () => {
    await store.createSession('alice', {
      sessionId: 'd1',
      title: 't',
      createdAt: new Date(clock).toISOString(),
    });
    for (let i = 0; i < 3; i++) await store.appendTurn('alice', 'd1', turn(`t${i}`));
    assert.equal(await store.deleteSession('alice', 'd1'), true);
    assert.deepEqual(fake.sessionEvents('alice', 'd1'), []);
  });

  it('searches long-term records in the actor’s own namespace only, naming the session when known', async () => {
    fake.addRecord({
      namespace: '/actors/carol/facts',
      text: 'Carol prefers VPC endpoints over NAT gateways',
    });
    fake.addRecord({
      namespace: '/actors/carol/sessions/vpc-1/summary',
      text: 'Decided to peer the two VPC networks',
    });
    fake.addRecord({ namespace: '/actors/carolyn/facts', text: 'Carolyn VPC secrets' });
    fake.addRecord({ namespace: '/actors/dave/facts', text: 'Dave VPC secrets' });
    fake.addRecord({
      namespace: '/actors/carol/facts',
      text: 'The VPC flow logs go to S3',
      metadata: { sessionId: { stringValue: 'logs-7' } },
    });
    const found = await store.searchLongTerm('carol', 'what did we decide about the VPC?', { limit: 10 });
    assert.deepEqual(
      new Set(found.map((r) => r.text)),
      new Set([
        'Carol prefers VPC endpoints over NAT gateways',
        'Decided to peer the two VPC networks',
        'The VPC flow logs go to S3',
      ]),
    );
    assert.equal(found.find((r) => r.text.startsWith('Decided'))!.sessionId, 'vpc-1');
    assert.equal(found.find((r) => r.text.startsWith('The VPC'))!.sessionId, 'logs-7');
    assert.equal(found.find((r) => r.text.startsWith('Carol'))!.sessionId, undefined);
    const call = fake.calls.filter((c) => c.op === 'RetrieveMemoryRecords').at(-1)!;
    assert.equal(call.body.namespace, '/actors/carol/');
    assert.deepEqual(await store.searchLongTerm('carol', '   '), []);
    // An actor id that looks like a path cannot reach another actor's namespace.
    assert.deepEqual(await store.searchLongTerm('carol/../dave', 'VPC secrets'), []);
    assert.deepEqual(await store.searchLongTerm('', 'VPC'), []);
    assert.equal(hasLongTermSearch(store), true);
    assert.equal(hasLongTermSearch(new FileMemoryStore(tmpdir())), false);
  });
});
