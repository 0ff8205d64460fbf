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
import { LOCAL_ACTOR } from '../../../../backend/src/core/auth/authenticator';
import { FileMemoryStore } from '../../../../backend/src/core/memory/file-store';
import { ModelError } from '../../../../backend/src/core/model/errors';
import type { ModelRequest } from '../../../../backend/src/core/model/types';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { defineTool } from '../../../../backend/src/core/tools/types';
import { chat, inProcessService } from '../../../support/in-process';
import { scripted, text, toolUse } from '../../../support/scripted-model';

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
});
