/**
 * The agent service's own limits, driven in process with a scripted model and a real file store:
 * stream slots reserved before any await and given back on every path, concurrent conversation
 * reads per user, the size of a stored answer, what the model's context reads, and a chat path
 * whose store fails mid-turn.
 */
import assert from 'node:assert/strict';
import { z } from 'zod';
import { LOCAL_ACTOR } from '../../backend/src/core/auth/authenticator';
import { MAX_STORED_ANSWER_BYTES } from '../../backend/src/core/agent/stored-answer';
import type { MemoryStore } from '../../backend/src/core/memory/types';
import type { ServiceDeps } from '../../backend/src/core/deps';
import type { InvocationResult } from '../../backend/src/core/service';
import { ToolRegistry } from '../../backend/src/core/tools/registry';
import { defineTool } from '../../backend/src/core/tools/types';
import type { Model } from '../../backend/src/core/model/types';
import { drain, inProcessService, scratchMemory } from '../support/in-process';
import { scripted, stopOnly, text, toolUses } from '../support/scripted-model';

const big = defineTool({
  name: 'big',
  description: 'a large read-only result',
  inputSchema: z.object({}),
  readOnly: true,
  run: async () => ({ rows: 'r'.repeat(15_000) }),
});

const service = (overrides: Partial<ServiceDeps> = {}) =>
  inProcessService({ tools: new ToolRegistry([big]), ...overrides });

describe('security: stream slots are reserved before any await and always given back', () => {
  it('30 chats invoked at once: exactly maxStreamsPerActor are accepted', async () => {
    const agent = service();
    const settled = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => agent.invoke(LOCAL_ACTOR, { action: 'chat', message: `m${i}` })),
    );
    const accepted = settled.filter((s) => s.status === 'fulfilled');
    assert.equal(accepted.length, 4);
    for (const s of settled)
      if (s.status === 'rejected') assert.equal((s.reason as { code?: string }).code, 'throttled');
    for (const s of accepted) await drain((s as PromiseFulfilledResult<InvocationResult>).value);
    assert.equal(agent.openStreams('local'), 0);
  });

  it('gives the slot back when the chat fails before its stream exists', async () => {
    const memory = scratchMemory();
    memory.appendTurn = async () => {
      throw Object.assign(new Error('disk full'), { syscall: 'write' });
    };
    const agent = service({ memory });
    for (let i = 0; i < 10; i++)
      await assert.rejects(agent.invoke(LOCAL_ACTOR, { action: 'chat', message: 'x' }));
    assert.equal(agent.openStreams('local'), 0);
  });

  it('gives the slot back when a stream is closed without ever being read', async () => {
    const agent = service();
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(
        Array.from({ length: 4 }, () => agent.invoke(LOCAL_ACTOR, { action: 'chat', message: 'x' })),
      );
      assert.equal(agent.openStreams('local'), 4);
      for (const r of results) if (r.kind === 'stream') await r.events.return(undefined);
      assert.equal(agent.openStreams('local'), 0, `round ${round}`);
    }
  });

  it('gives the slot back when the stream fails while it is read', async () => {
    const model: Model = {
      provider: 'bedrock',
      modelId: 'm',
      async *stream() {
        throw new TypeError('a bug in the model edge');
      },
    };
    const agent = service({ model });
    const events = await drain(await agent.invoke(LOCAL_ACTOR, { action: 'chat', message: 'x' }));
    assert.equal(events.at(-1)!.type, 'error');
    assert.equal(agent.openStreams('local'), 0);
  });
});

describe('security: conversation reads per user are capped', () => {
  it('runs at most 2 reads of one user at once, queues 8, refuses the rest with 429', async () => {
    const real = scratchMemory();
    let running = 0;
    let peak = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const memory: MemoryStore = Object.create(real);
    memory.getSession = async (...args) => {
      running++;
      peak = Math.max(peak, running);
      await gate;
      running--;
      return real.getSession(...args);
    };
    const agent = service({ memory });
    await real.createSession('local', { sessionId: 'big', title: 't', createdAt: new Date().toISOString() });
    const reads = Array.from({ length: 12 }, () =>
      agent.invoke(LOCAL_ACTOR, { action: 'getSession', sessionId: 'big' }).then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      ),
    );
    await new Promise((r) => setTimeout(r, 20));
    release();
    const outcomes = await Promise.all(reads);
    assert.equal(peak, 2, 'never more than 2 reads in the store at once');
    assert.equal(outcomes.filter((o) => o === 'ok').length, 10);
    assert.equal(outcomes.filter((o) => o === 'throttled').length, 2);
    const other = await agent.invoke({ actorId: 'other', authMode: 'none' }, { action: 'listSessions' });
    assert.equal(other.kind, 'json', 'another user is not held up');
  });
});

describe('security: what one chat stores and reads is bounded', () => {
  it(`keeps a stored answer under ${MAX_STORED_ANSWER_BYTES / 1024} KiB however much its tools returned`, async () => {
    const calls = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, name: 'big' }));
    const model = scripted([
      toolUses(calls),
      toolUses(calls.map((c) => ({ ...c, id: `${c.id}b` }))),
      text('done'),
    ]);
    const memory = scratchMemory();
    const agent = service({ model, memory });
    const events = await drain(await agent.invoke(LOCAL_ACTOR, { action: 'chat', message: 'read a lot' }));
    assert.equal(events.at(-1)!.type, 'done');
    const sessionId = (events[0] as { sessionId: string }).sessionId;
    const [answer] = await memory.recentTurns('local', sessionId, 1);
    const size = Buffer.byteLength(JSON.stringify(answer), 'utf8');
    assert.ok(size <= MAX_STORED_ANSWER_BYTES, `${size} bytes stored`);
    assert.equal(answer!.toolCalls?.length, 20, 'every call is still listed');
  });

  it("reads the model's context from the conversation's tail, never the whole conversation", async () => {
    const real = scratchMemory();
    const reads: string[] = [];
    const memory: MemoryStore = Object.create(real);
    memory.getSession = (actorId, sessionId, options) => {
      reads.push(`getSession:${options.limit}`);
      return real.getSession(actorId, sessionId, options);
    };
    memory.recentTurns = (actorId, sessionId, count) => {
      reads.push(`recentTurns:${count}`);
      return real.recentTurns(actorId, sessionId, count);
    };
    const agent = service({ memory });
    const first = await drain(await agent.invoke(LOCAL_ACTOR, { action: 'chat', message: 'one' }));
    const sessionId = (first[0] as { sessionId: string }).sessionId;
    reads.length = 0;
    await drain(await agent.invoke(LOCAL_ACTOR, { action: 'chat', message: 'two', sessionId }));
    // The session holds three turns now (one, its answer, two): all of them, and never more than MAX_CONTEXT_TURNS.
    assert.deepEqual(reads, ['getSession:1', 'recentTurns:3']);
  });
});

describe('the chat path survives a store that fails mid-turn', () => {
  it('ends a guardrail-blocked turn with its events when marking the message fails', async () => {
    const real = scratchMemory();
    const memory: MemoryStore = Object.create(real);
    memory.amendTurn = async () => {
      throw new Error('the store is down');
    };
    const model = scripted([stopOnly('guardrail_intervened')]);
    const agent = service({ memory, model });
    const events = await drain(await agent.invoke(LOCAL_ACTOR, { action: 'chat', message: 'blocked?' }));
    assert.deepEqual(
      events.map((e) => e.type),
      ['session', 'guardrail', 'done'],
    );
    assert.deepEqual(events.at(-1), { type: 'done', stopReason: 'guardrail_intervened' });
  });
});
