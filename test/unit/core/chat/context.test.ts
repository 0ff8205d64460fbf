/**
 * Conversations that never outgrow the model: the history of every request stays within
 * CONTEXT_TOKENS, the newest turns stay whole, the summary is made once and reused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { MAX_TOOL_OUTPUT_CHARS } from '../../../../backend/src/core/agent/loop';
import { fitWithinTurn, messagesChars, TokenEstimator } from '../../../../backend/src/core/chat/context';
import { LOCAL_ACTOR } from '../../../../backend/src/core/auth/authenticator';
import { FileMemoryStore } from '../../../../backend/src/core/memory/file-store';
import { ModelError } from '../../../../backend/src/core/model/errors';
import type { Message, ModelRequest } from '../../../../backend/src/core/model/types';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { defineTool } from '../../../../backend/src/core/tools/types';
import { chat, inProcessService } from '../../../support/in-process';
import { requestChars, scripted, text, toolUse, withWindow } from '../../../support/scripted-model';

const BUDGET = 16_000;
const isSummaryCall = (r: ModelRequest) => r.tools.length === 0 && /condense a conversation/.test(r.system);
/** What a request weighs at 4 characters a token, the estimate before the provider has answered. */
const tokensOf = (r: ModelRequest) =>
  Math.ceil((r.system.length + JSON.stringify(r.tools).length + JSON.stringify(r.messages).length) / 4);
const message = (i: number) => `turn ${i}: ${`log line ${i} `.repeat(500)}`.slice(0, 6000);
const lastUserText = (r: ModelRequest) =>
  r.messages
    .at(-1)!
    .content.filter((c) => c.type === 'text')
    .map((c) => (c as { text: string }).text)
    .join('');

describe('conversations that never outgrow the model', function () {
  this.timeout(30_000);

  it(`30 turns of 6 KB under CONTEXT_TOKENS=${BUDGET}: every request fits, the newest turns stay whole`, async () => {
    const model = scripted([], () => text('noted'));
    const summaryModel = {
      ...model,
      async *stream(request: ModelRequest, signal: AbortSignal) {
        if (isSummaryCall(request)) {
          model.requests.push(structuredClone(request));
          yield* text('The user is reading logs turn by turn; nothing is decided yet.');
          return;
        }
        yield* model.stream(request, signal);
      },
    };
    const memory = new FileMemoryStore(mkdtempSync(join(tmpdir(), 'ce-context-')));
    const agent = inProcessService({ model: summaryModel, memory, contextTokens: BUDGET });
    let sessionId: string | undefined;
    const summaryEvents: number[] = [];
    for (let i = 0; i < 30; i++) {
      const out = await chat(agent, LOCAL_ACTOR, {
        message: message(i),
        ...(sessionId ? { sessionId } : {}),
      });
      sessionId = out.sessionId;
      assert.equal(out.events.at(-1)!.type, 'done', `turn ${i}`);
      for (const e of out.events) if (e.type === 'summary') summaryEvents.push(e.keepFrom);
    }
    const answered = model.requests.filter((r) => !isSummaryCall(r));
    assert.equal(answered.length, 30);
    for (const [i, request] of answered.entries()) {
      assert.ok(tokensOf(request) <= BUDGET, `request ${i} weighs ${tokensOf(request)} tokens`);
      // The question being answered is always whole.
      assert.ok(lastUserText(request).endsWith(message(i)), `request ${i} has its question whole`);
    }
    const last = answered.at(-1)!;
    const whole = JSON.stringify(last.messages);
    for (const i of [27, 28, 29])
      assert.ok(whole.includes(message(i)), `turn ${i} is whole in the last request`);
    assert.match(whole, /Summary of the earlier conversation/);

    // Summarized a few times as the conversation grew, never once per turn; each time the summary
    // so far is amended (a long stretch in a few calls that each fit), not written anew.
    assert.ok(summaryEvents.length >= 1 && summaryEvents.length <= 8, `summarized at ${summaryEvents}`);
    const calls = model.requests.filter(isSummaryCall);
    assert.ok(calls.length <= summaryEvents.length * 4, `${calls.length} summary calls`);
    assert.ok(calls.slice(1).every((r) => lastUserText(r).startsWith('The summary so far:')));
    for (const r of calls) assert.ok(tokensOf(r) <= BUDGET, 'a summary call fits the budget too');
    const got = await memory.getSession(LOCAL_ACTOR.actorId, sessionId!, { limit: 100 });
    assert.equal(got!.turns.length, 60, 'nothing stored was dropped');
    const stored = await memory.getSummary(LOCAL_ACTOR.actorId, sessionId!);
    assert.equal(stored!.keepFrom, summaryEvents.at(-1));
    assert.ok(stored!.keepFrom > 0 && stored!.keepFrom < 56);
  });

  it('goes on without a summary when the summary call fails, and never sends more than the budget', async () => {
    const requests: ModelRequest[] = [];
    const model = scripted([], () => text('ok'));
    const failing = {
      ...model,
      async *stream(request: ModelRequest, signal: AbortSignal) {
        requests.push(request);
        if (isSummaryCall(request)) throw new ModelError('throttled', 'bedrock', 'slow down');
        yield* model.stream(request, signal);
      },
    };
    const agent = inProcessService({ model: failing, contextTokens: 8_000 });
    let sessionId: string | undefined;
    for (let i = 0; i < 12; i++) {
      const out = await chat(agent, LOCAL_ACTOR, {
        message: message(i),
        ...(sessionId ? { sessionId } : {}),
      });
      sessionId = out.sessionId;
      assert.equal(out.events.at(-1)!.type, 'done');
    }
    for (const r of requests.filter((r) => !isSummaryCall(r)))
      assert.ok(tokensOf(r) <= 8_000, `${tokensOf(r)}`);
  });

  it('cuts a huge tool result in the current turn, as the model reads it', async () => {
    const huge = defineTool({
      name: 'huge',
      description: 'a very large read-only result',
      inputSchema: z.object({}),
      readOnly: true,
      run: async () => ({ rows: 'r'.repeat(300_000) }),
    });
    const model = scripted([toolUse('t1', 'huge'), text('read it')]);
    const agent = inProcessService({ model, tools: new ToolRegistry([huge]), contextTokens: BUDGET });
    const { events } = await chat(agent, LOCAL_ACTOR, { message: 'read everything' });
    assert.equal(events.at(-1)!.type, 'done');
    const result = model.requests[1]!.messages.at(-1)!.content[0] as { type: string; text: string };
    assert.equal(result.type, 'toolResult');
    assert.ok(result.text.length <= MAX_TOOL_OUTPUT_CHARS + 200, `${result.text.length} chars`);
    assert.match(result.text, /\[truncated: /);
    assert.ok(tokensOf(model.requests[1]!) <= BUDGET);
  });

  describe('a model that refuses the context as too long', () => {
    const FIXED = 2_000;
    const say = (role: Message['role'], t: string): Message => ({
      role,
      content: [{ type: 'text', text: t }],
    });
    /** `n` earlier turns of 6 KB questions and short answers, then the new question. */
    const conversation = (n: number): Message[] => [
      ...Array.from({ length: n }, (_, i) => [
        say('user', message(i)),
        say('assistant', `answer ${i}`),
      ]).flat(),
      say('user', message(n)),
    ];
    const weight = (m: Message[]) => FIXED + messagesChars(m);
    const alternates = (m: Message[]) =>
      m[0]!.role === 'user' && m.every((x, i) => i === 0 || x.role !== m[i - 1]!.role);

    it('retries without the oldest turns, down to the question, and stays under the refused size after', () => {
      const estimator = new TokenEstimator();
      const fit = fitWithinTurn(40_000, FIXED, estimator);
      const history = conversation(12);
      // Within the configured budget by the estimate: sent whole.
      assert.equal(fit(history, false), history);
      const refused = weight(history);

      // As the loop does: told of the refusal, then asked for a harder fit.
      estimator.refused(refused);
      const retry = fit(history, true);
      assert.ok(weight(retry) <= refused * 0.8 * 0.5, `retry weighs ${weight(retry)} of ${refused}`);
      assert.ok(alternates(retry));
      assert.deepEqual(retry.at(-1), history.at(-1), 'the question is whole');
      assert.match(JSON.stringify(retry[0]), /earlier messages of this conversation are left out/);
      const kept = JSON.stringify(retry);
      assert.ok(!kept.includes(message(0)) && kept.includes(message(11)), 'the oldest went first');

      // The estimate learned: the turn's next call, and the next turn's, aim below what was refused.
      assert.ok(estimator.limit(40_000) < 40_000);
      const next = fit([...history, say('assistant', 'more'), say('user', message(13))], false);
      assert.ok(weight(next) <= refused * 0.8, `next call weighs ${weight(next)}`);
      const nextTurn = fitWithinTurn(40_000, FIXED, estimator)(conversation(14), false);
      assert.ok(weight(nextTurn) <= refused * 0.8, `next turn weighs ${weight(nextTurn)}`);
      assert.deepEqual(nextTurn.at(-1), say('user', message(14)));
    });

    it('keeps the summary and the current turn’s calls, and drops results whose calls went', () => {
      const estimator = new TokenEstimator();
      const fit = fitWithinTurn(40_000, FIXED, estimator);
      const summary =
        '[Summary of the earlier conversation, written for you; the newest turns follow in full]\nS3 work.';
      const history: Message[] = [
        {
          role: 'user',
          content: [
            { type: 'text', text: summary },
            { type: 'text', text: message(0) },
          ],
        },
        { role: 'assistant', content: [{ type: 'toolUse', toolUseId: 'old', name: 'aws_read', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'toolResult', toolUseId: 'old', status: 'success', text: 'r'.repeat(150) },
            { type: 'text', text: message(1) },
          ],
        },
        say('assistant', 'answer 1'),
        ...conversation(8).slice(2),
      ];
      // The current turn: the question, a call and its result.
      history.push(
        { role: 'assistant', content: [{ type: 'toolUse', toolUseId: 'now', name: 'aws_read', input: {} }] },
        {
          role: 'user',
          content: [{ type: 'toolResult', toolUseId: 'now', status: 'success', text: 'fresh' }],
        },
      );
      estimator.refused(weight(fit(history, false)));
      const retry = fit(history, true);
      assert.ok(alternates(retry));
      assert.equal((retry[0]!.content[0] as { text: string }).text, summary, 'the summary stays');
      assert.ok(!JSON.stringify(retry).includes('"old"'), 'no result without its call');
      assert.deepEqual(retry.slice(-3), history.slice(-3), 'the current turn is whole');
    });

    it('never leaves out the question itself, however large', () => {
      const fit = fitWithinTurn(1_000, 0, new TokenEstimator());
      const history = [say('user', 'q'.repeat(50_000))];
      assert.deepEqual(fit(history, true), history);
    });

    it('a conversation the model refuses goes on: one refusal, answered, and the next turns fit', async () => {
      // Configured for a big window, served by a model whose real window is 12,000 tokens.
      const model = withWindow(
        scripted([], () => text('noted')),
        12_000,
      );
      const agent = inProcessService({ model, contextTokens: 40_000 });
      let sessionId: string | undefined;
      const refusedAt: number[] = [];
      const summaries: number[] = [];
      for (let i = 0; i < 14; i++) {
        const before = model.refused.length;
        const out = await chat(agent, LOCAL_ACTOR, {
          message: message(i),
          ...(sessionId ? { sessionId } : {}),
        });
        sessionId = out.sessionId;
        assert.deepEqual(out.events.at(-1), { type: 'done', stopReason: 'end_turn' }, `turn ${i}`);
        if (model.refused.length > before) refusedAt.push(i);
        if (out.events.some((e) => e.type === 'summary')) summaries.push(i);
      }
      assert.equal(refusedAt.length, 1, `refused in turns ${refusedAt}`);
      assert.equal(model.refused.length, 1, 'refused once, never again');
      assert.ok(summaries.length > 0 && summaries[0]! > refusedAt[0]!, `summarized in turns ${summaries}`);
      const answered = model.requests.filter((r) => !isSummaryCall(r) && !model.refused.includes(r));
      const asked = answered.filter((r) => requestChars(r) <= 12_000 * 4);
      assert.equal(asked.length, 14, 'every turn was answered');
      for (const [i, r] of answered.entries()) assert.ok(lastUserText(r).endsWith(message(i)), `turn ${i}`);
      // The retry of the refused turn left the oldest messages out and said so.
      assert.match(JSON.stringify(answered[refusedAt[0]!]!.messages), /left out here to fit/);
    });
  });

  describe('the token estimate', () => {
    it('starts at 4 characters a token and calibrates from the provider’s counts, never lighter', () => {
      const e = new TokenEstimator();
      assert.equal(e.estimate(4_000), 1_000);
      e.observe(3_000, 1_000); // 3 characters a token: denser than the table
      assert.equal(e.estimate(3_000), 1_000);
      e.observe(2_000, 1_000); // blended, not replaced: (3 * 3 + 2) / 4
      assert.equal(e.estimate(2_750), 1_000);
      for (let i = 0; i < 50; i++) e.observe(100_000, 1_000); // a count too light to believe
      assert.equal(e.estimate(4_000), 1_000, 'never under 4 characters a token');
      for (let i = 0; i < 50; i++) e.observe(100, 1_000); // absurdly dense: bounded
      assert.equal(e.estimate(1_500), 1_000);
      e.observe(0, 10);
      e.observe(10, 0);
      e.observe(-5, -5);
      assert.equal(e.estimate(1_500), 1_000, 'nothing learned from empty figures');
    });

    it('keeps a refusal in characters, so calibrating afterwards does not count it twice', () => {
      const e = new TokenEstimator();
      assert.equal(e.limit(50_000), 50_000);
      e.refused(40_000);
      assert.equal(e.limit(50_000), 8_000, '80 % of 40,000 characters at 4 a token');
      assert.equal(e.limit(5_000), 5_000, 'never above the configured budget');
      e.observe(2_000, 1_000);
      assert.equal(e.limit(50_000), 16_000, 'the same 32,000 characters at 2 a token');
      e.refused(100_000);
      assert.equal(e.limit(50_000), 16_000, 'a larger refusal never raises the ceiling');
      e.refused(10);
      assert.equal(e.limit(50_000), 4_000, 'a floor: system and tools always go');
    });
  });
});
