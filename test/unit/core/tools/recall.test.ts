import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LongTermSearch } from '../../../../backend/src/core/memory/agentcore/store';
import { FileMemoryStore } from '../../../../backend/src/core/memory/file-store';
import type { MemoryStore, StoredTurn } from '../../../../backend/src/core/memory/types';
import { EXCERPT_CHARS } from '../../../../backend/src/core/tools/recall/search';
import { recallPastConversations } from '../../../../backend/src/core/tools/recall/tool';
import type { ToolContext } from '../../../../backend/src/core/tools/types';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();
const ctx = (actorId: string, sessionId?: string): ToolContext => ({
  actorId,
  region: 'us-east-1',
  signal: new AbortController().signal,
  ...(sessionId ? { sessionId } : {}),
});

async function seed(
  memory: MemoryStore,
  actorId: string,
  sessionId: string,
  title: string,
  texts: string[],
  at: string,
): Promise<void> {
  await memory.createSession(actorId, { sessionId, title, createdAt: at });
  for (const [i, text] of texts.entries()) {
    const turn: StoredTurn = { role: i % 2 ? 'assistant' : 'user', text, createdAt: at, status: 'complete' };
    await memory.appendTurn(actorId, sessionId, turn);
  }
}

describe('recall_past_conversations', () => {
  let memory: FileMemoryStore;
  beforeEach(async () => {
    memory = new FileMemoryStore(mkdtempSync(join(tmpdir(), 'ce-recall-')), () => {});
    await seed(
      memory,
      'alice',
      'a-vpc',
      'Network layout',
      [
        'How should we lay out the VPC for the new service?',
        'We decided on a VPC with three private subnets and one NAT gateway per AZ.',
      ],
      daysAgo(5),
    );
    await seed(
      memory,
      'alice',
      'a-cost',
      'Cost review',
      ['Why did S3 cost go up?', 'Requests doubled.'],
      daysAgo(2),
    );
    await seed(
      memory,
      'alice',
      'a-old',
      'Old VPC talk',
      ['Is a VPC needed for Lambda?', 'Not always.'],
      daysAgo(60),
    );
    await seed(
      memory,
      'mallory',
      'm-vpc',
      'VPC secrets of mallory',
      ['Our VPC peering decision: peer with the partner VPC.', 'Peered.'],
      daysAgo(1),
    );
  });

  const tool = () => recallPastConversations(memory, () => NOW);
  const run = (input: unknown, context = ctx('alice')) => {
    const t = tool();
    const parsed = t.inputSchema.parse(input);
    return t.run(parsed, context) as Promise<any>;
  };

  it("finds the caller's own conversation and gives what to cite: id, title, dates, an excerpt", async () => {
    const out = await run({ query: 'VPC', withinDays: 14 });
    assert.equal(out.source, 'conversation text');
    assert.deepEqual(
      out.conversations.map((c: any) => [c.sessionId, c.title]),
      [['a-vpc', 'Network layout']],
    );
    const [found] = out.conversations;
    assert.equal(found.updatedAt, daysAgo(5));
    assert.equal(found.createdAt, daysAgo(5));
    assert.ok(
      found.excerpts.some((e: any) => /three private subnets/.test(e.text) && e.role === 'assistant'),
    );
    assert.match(out.cite, /title.*date.*session/);
  });

  it("never returns another actor's matching session, whatever the query", async () => {
    for (const query of ['VPC', 'mallory', 'peering', 'partner VPC', 'm-vpc']) {
      const out = await run({ query });
      const ids = out.conversations.map((c: any) => c.sessionId);
      assert.ok(!ids.includes('m-vpc'), `${query}: ${ids}`);
      assert.ok(!JSON.stringify(out.conversations).includes('mallory'), query);
    }
    const own = await run({ query: 'peering' }, ctx('mallory'));
    assert.deepEqual(
      own.conversations.map((c: any) => c.sessionId),
      ['m-vpc'],
    );
  });

  it('takes no actor from its input', () => {
    const t = tool();
    for (const extra of [{ actorId: 'mallory' }, { actor: 'mallory' }, { userId: 'mallory' }])
      assert.equal(t.inputSchema.safeParse({ query: 'VPC', ...extra }).success, false);
  });

  it('leaves out the conversation that is asking', async () => {
    const out = await run({ query: 'VPC' }, ctx('alice', 'a-vpc'));
    assert.deepEqual(
      out.conversations.map((c: any) => c.sessionId),
      ['a-old'],
    );
  });

  it('tries the words of a phrase that matches nothing as a whole', async () => {
    const out = await run({ query: 'NAT gateway decision' });
    assert.deepEqual(
      out.conversations.map((c: any) => c.sessionId),
      ['a-vpc'],
    );
  });

  it('says so when nothing matches', async () => {
    const out = await run({ query: 'kubernetes' });
    assert.deepEqual(out.conversations, []);
    assert.match(out.note, /No earlier conversation/);
  });

  it('is bounded: a few sessions, a few short excerpts each', async () => {
    const long = 'VPC '.repeat(2000);
    for (let i = 0; i < 8; i++)
      await seed(
        memory,
        'alice',
        `bulk-${i}`,
        `VPC ${i}`,
        Array.from({ length: 12 }, () => long),
        daysAgo(1),
      );
    const out = await run({ query: 'VPC', limit: 5 });
    assert.equal(out.conversations.length, 5);
    for (const c of out.conversations) {
      assert.ok(c.excerpts.length <= 4);
      for (const e of c.excerpts) assert.ok(e.text.length <= EXCERPT_CHARS + 2);
    }
    assert.ok(JSON.stringify(out).length < 10_000);
    assert.equal(tool().inputSchema.safeParse({ query: 'VPC', limit: 50 }).success, false);
    assert.equal(tool().inputSchema.safeParse({ query: 'x'.repeat(500) }).success, false);
  });

  it('falls back to the session search when the long-term search fails', async () => {
    const failing: MemoryStore & LongTermSearch = Object.assign(Object.create(memory), {
      async searchLongTerm(): Promise<never> {
        throw new Error('no long-term strategy');
      },
    });
    const t = recallPastConversations(failing, () => NOW);
    const out: any = await t.run(t.inputSchema.parse({ query: 'NAT gateway' }), ctx('alice'));
    assert.equal(out.source, 'conversation text');
    assert.deepEqual(
      out.conversations.map((c: any) => c.sessionId),
      ['a-vpc'],
    );
  });

  it('with AgentCore Memory, uses the long-term records of the caller, citing sessions that still exist', async () => {
    const asked: string[] = [];
    const longTerm: MemoryStore & LongTermSearch = Object.assign(Object.create(memory), {
      async searchLongTerm(actorId: string, query: string) {
        asked.push(`${actorId}:${query}`);
        return [
          {
            text: 'Decided: one NAT gateway per AZ for the VPC.',
            namespace: '/actors/alice/',
            sessionId: 'a-vpc',
            createdAt: daysAgo(5),
          },
          { text: 'A record without a session.', namespace: '/actors/alice/' },
          { text: 'From a deleted conversation.', namespace: '/actors/alice/', sessionId: 'gone' },
          { text: 'Not hers.', namespace: '/actors/alice/', sessionId: 'm-vpc' },
        ];
      },
    });
    const t = recallPastConversations(longTerm, () => NOW);
    const out: any = await t.run(t.inputSchema.parse({ query: 'VPC' }), ctx('alice'));
    assert.deepEqual(asked, ['alice:VPC']);
    assert.equal(out.source, 'long-term memory');
    assert.deepEqual(
      out.conversations.map((c: any) => [c.sessionId, c.title, c.excerpts[0].text]),
      [['a-vpc', 'Network layout', 'Decided: one NAT gateway per AZ for the VPC.']],
    );
  });
});
