/**
 * A budget per user (USER_DAILY_TOKENS): refused before the model is called, with 429
 * `quota_exceeded` and Retry-After to the next UTC day; a turn in progress and an approval are
 * never cut off; another user is never affected; the count holds across processes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { secondsToNextUtcDay, utcDay } from '../../../../backend/src/core/chat/quota';
import { QuotaExceededError, toErrorResponse } from '../../../../backend/src/core/errors';
import { FileMemoryStore } from '../../../../backend/src/core/memory/file-store';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { defineTool } from '../../../../backend/src/core/tools/types';
import { chat, inProcessService, user } from '../../../support/in-process';
import { scripted, usage } from '../../../support/scripted-model';
import type { ModelEvent } from '../../../../backend/src/core/model/types';

/** 60 in, 5 out: 65 tokens a turn. */
const answer = (): ModelEvent[] => [
  { type: 'text', text: 'ok' },
  { type: 'stop', reason: 'end_turn' },
  usage(60, 5),
];

describe('a daily token budget per user', () => {
  let now = new Date('2026-12-06T22:00:00Z');
  const dir = () => mkdtempSync(join(tmpdir(), 'ce-quota-'));
  const alice = user('alice');
  const bob = user('bob');

  it('refuses a new chat past the budget before the model is called, until the next UTC day', async () => {
    const memory = new FileMemoryStore(dir());
    const model = scripted([], answer);
    const agent = inProcessService({ memory, model, userDailyTokens: 100, now: () => now });
    const first = await chat(agent, alice, { message: 'one' });
    await chat(agent, alice, { message: 'two', sessionId: first.sessionId });
    assert.equal(await memory.tokensUsed(alice.actorId, '2026-12-06'), 130);
    const calls = model.requests.length;

    const refused = await agent
      .invoke(alice, { action: 'chat', message: 'three', sessionId: first.sessionId })
      .then(
        () => assert.fail('must be refused'),
        (error: unknown) => error,
      );
    assert.ok(refused instanceof QuotaExceededError);
    const response = toErrorResponse(refused);
    assert.equal(response.status, 429);
    assert.equal(response.body.error.code, 'quota_exceeded');
    assert.equal(response.headers['retry-after'], '7200');
    assert.match(response.body.error.message, /renews at 00:00 UTC, in 2 h 0 min/);
    assert.equal(model.requests.length, calls, 'the model was not called');
    const got = await memory.getSession(alice.actorId, first.sessionId, { limit: 10 });
    assert.equal(got!.turns.length, 4, 'a refused chat leaves no trace');

    // Another user is never affected.
    assert.equal((await chat(agent, bob, { message: 'hello' })).events.at(-1)!.type, 'done');
    // The next UTC day, the budget is back.
    now = new Date('2026-12-07T00:00:01Z');
    assert.equal((await chat(agent, alice, { message: 'new day' })).events.at(-1)!.type, 'done');
    now = new Date('2026-12-06T22:00:00Z');
  });

  it('never cuts off a turn in progress, nor the approval that finishes it', async () => {
    const deploy = defineTool({
      name: 'deploy',
      description: 'changes AWS',
      inputSchema: z.object({}),
      readOnly: false,
      run: async () => ({ deployed: true }),
    });
    const model = scripted([
      [
        { type: 'toolUse', toolUseId: 't1', name: 'deploy', input: '{}' },
        { type: 'stop', reason: 'tool_use' },
        usage(500, 5),
      ],
      answer(),
    ]);
    const memory = new FileMemoryStore(dir());
    const agent = inProcessService({
      memory,
      model,
      userDailyTokens: 100,
      tools: new ToolRegistry([deploy]),
      now: () => now,
    });
    const asked = await chat(agent, alice, { message: 'deploy it' });
    assert.ok(asked.events.some((e) => e.type === 'approval_required'));
    assert.ok((await memory.tokensUsed(alice.actorId, utcDay(now))) > 100, 'the budget is spent');
    const approved = await chat(agent, alice, {
      sessionId: asked.sessionId,
      approvals: [{ toolUseId: 't1', decision: 'approve' }],
    });
    assert.equal(approved.events.at(-1)!.type, 'done');
    assert.ok(approved.events.some((e) => e.type === 'tool_result' && e.status === 'success'));
  });

  it('counts across processes sharing one store, and users apart', async () => {
    const shared = dir();
    const one = inProcessService({
      memory: new FileMemoryStore(shared),
      model: scripted([], answer),
      userDailyTokens: 100,
      now: () => now,
    });
    const two = inProcessService({
      memory: new FileMemoryStore(shared),
      model: scripted([], answer),
      userDailyTokens: 100,
      now: () => now,
    });
    await chat(one, alice, { message: 'a' });
    await chat(two, alice, { message: 'b' });
    await assert.rejects(one.invoke(alice, { action: 'chat', message: 'c' }), QuotaExceededError);
    await assert.rejects(two.invoke(alice, { action: 'chat', message: 'c' }), QuotaExceededError);
    assert.equal((await chat(two, bob, { message: 'mine' })).events.at(-1)!.type, 'done');
  });

  it('knows when the UTC day ends', () => {
    assert.equal(secondsToNextUtcDay(new Date('2026-12-31T23:59:59.500Z')), 1);
    assert.equal(secondsToNextUtcDay(new Date('2026-12-06T00:00:00Z')), 86_400);
    assert.equal(utcDay(new Date('2026-12-06T23:59:59Z')), '2026-12-06');
  });
});
