import assert from 'node:assert/strict';
import { z } from 'zod';
import { runAgentTurn, type AgentTurnOptions } from '../../../../backend/src/core/agent/loop';
import { fitWithinTurn, messagesChars, TokenEstimator } from '../../../../backend/src/core/chat/context';
import { ModelError } from '../../../../backend/src/core/model/errors';
import type { Message, Model, ModelEvent, ModelRequest } from '../../../../backend/src/core/model/types';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { defineTool } from '../../../../backend/src/core/tools/types';
import type { StreamEvent } from '../../../../backend/src/protocol';
import { requestChars, scripted as scriptedModel, withWindow } from '../../../support/scripted-model';

type Response = ModelEvent[] | ModelError;

/** A model edge that plays scripted responses (the adapters have wire-level tests of their own). */
function scripted(responses: Response[]): Model & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    provider: 'bedrock',
    modelId: 'm',
    requests,
    async *stream(request) {
      requests.push(structuredClone(request));
      const next = responses.shift() ?? [];
      if (next instanceof ModelError) throw next;
      yield* next;
    },
  };
}
const usage = (inputTokens: number, outputTokens = 1): ModelEvent => ({
  type: 'usage',
  usage: { inputTokens, outputTokens },
});
const text = (
  t: string,
  reason: Extract<ModelEvent, { type: 'stop' }>['reason'] = 'end_turn',
): ModelEvent[] => [{ type: 'text', text: t }, { type: 'stop', reason }, usage(10)];
const toolUse = (id: string, name: string, json: string): ModelEvent[] => [
  { type: 'toolUse', toolUseId: id, name, input: json },
  { type: 'stop', reason: 'tool_use' },
  usage(10),
];

const echo = defineTool({
  name: 'echo',
  description: 'echoes',
  inputSchema: z.object({ value: z.string() }),
  readOnly: true,
  run: async ({ value }) => ({ value: value.repeat(1) }),
});
const big = defineTool({
  name: 'big',
  description: 'big output',
  inputSchema: z.object({}),
  readOnly: true,
  run: async () => 'x'.repeat(50_000),
});
const deploy = defineTool({
  name: 'deploy',
  description: 'changes AWS',
  inputSchema: z.object({}),
  readOnly: false,
  run: async () => assert.fail('must not run without approval'),
});

async function run(model: Model, overrides: Partial<AgentTurnOptions> = {}) {
  const events: StreamEvent[] = [];
  const turn = runAgentTurn({
    model,
    system: 'sys',
    history: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    tools: new ToolRegistry([echo, big, deploy]),
    toolContext: { actorId: 'a', region: 'us-east-1' },
    signal: new AbortController().signal,
    retry: { attempts: 3, baseDelayMs: 0 },
    ...overrides,
  });
  for (;;) {
    const next = await turn.events.next();
    if (next.done) {
      assert.deepEqual(turn.record, next.value, 'the returned record is the one the turn shows');
      return { record: next.value, events };
    }
    events.push(next.value);
  }
}

/** A turn that throws: the error, and the record the turn still shows. */
async function runFailing(model: Model, overrides: Partial<AgentTurnOptions> = {}) {
  const turn = runAgentTurn({
    model,
    system: 'sys',
    history: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    tools: new ToolRegistry([echo, big, deploy]),
    toolContext: { actorId: 'a', region: 'us-east-1' },
    signal: new AbortController().signal,
    retry: { attempts: 3, baseDelayMs: 0 },
    ...overrides,
  });
  try {
    for await (const _ of turn.events);
  } catch (error) {
    assert.ok(error instanceof ModelError, `a ModelError, not ${String(error)}`);
    return { error, record: turn.record };
  }
  assert.fail('the turn did not fail');
}

const lastResult = (request: ModelRequest) => {
  const block = request.messages.at(-1)!.content[0]!;
  assert.equal(block.type, 'toolResult');
  return block;
};

describe('runAgentTurn', () => {
  it('stops at the iteration cap when the model keeps calling tools', async () => {
    const model = scripted(Array.from({ length: 5 }, (_, i) => toolUse(`t${i}`, 'echo', '{"value":"v"}')));
    const { record } = await run(model, { maxIterations: 3 });
    assert.equal(record.stopReason, 'max_iterations');
    assert.equal(model.requests.length, 3);
    assert.equal(record.toolCalls.length, 3);
  });

  for (const [reason, ours] of [
    ['end_turn', 'end_turn'],
    ['max_tokens', 'max_tokens'],
    ['guardrail_intervened', 'guardrail_intervened'],
    ['content_filtered', 'guardrail_intervened'],
  ] as const) {
    it(`maps stop reason ${reason} to ${ours}`, async () => {
      const { record } = await run(scripted([text('x', reason)]));
      assert.equal(record.stopReason, ours);
    });
  }

  it('sums usage over the calls of a turn, cache fields included', async () => {
    const model = scripted([
      [
        ...toolUse('t1', 'echo', '{"value":"v"}').slice(0, 2),
        { type: 'usage', usage: { inputTokens: 100, outputTokens: 5, cacheWriteTokens: 90 } },
      ],
      [
        ...text('ok').slice(0, 2),
        { type: 'usage', usage: { inputTokens: 120, outputTokens: 7, cacheReadTokens: 90 } },
      ],
    ]);
    const { record } = await run(model);
    assert.deepEqual(record.usage, {
      inputTokens: 220,
      outputTokens: 12,
      cacheReadTokens: 90,
      cacheWriteTokens: 90,
    });
  });

  it('starts from what the turn produced before it (a resumed approval, the summary call)', async () => {
    const decided: Message = {
      role: 'user',
      content: [{ type: 'toolResult', toolUseId: 't0', status: 'success', text: 'done' }],
    };
    const start = {
      toolCalls: [{ id: 't0', name: 'deploy', input: {}, status: 'success' as const }],
      messages: [decided],
      usage: { inputTokens: 5, outputTokens: 2 },
    };
    const { record } = await run(scripted([text('ok')]), { start });
    assert.deepEqual(
      record.toolCalls.map((c) => c.id),
      ['t0'],
    );
    assert.equal(record.messages[0], decided);
    assert.equal(record.messages.length, 2);
    assert.deepEqual(record.usage, {
      inputTokens: 15,
      outputTokens: 3,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    assert.equal(start.toolCalls.length, 1, 'what it was given is not written');
  });

  it('hands out copies: what its caller holds cannot change the record', async () => {
    const turn = runAgentTurn({
      model: scripted([text('ok')]),
      system: 'sys',
      history: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: new ToolRegistry([echo]),
      toolContext: { actorId: 'a', region: 'us-east-1' },
      signal: new AbortController().signal,
    });
    const early = turn.record;
    (early.toolCalls as unknown[]).push({ id: 'forged' });
    (early.usage as { inputTokens: number }).inputTokens = 1e9;
    for await (const _ of turn.events);
    assert.deepEqual(turn.record.toolCalls, []);
    assert.equal(turn.record.usage.inputTokens, 10);
    assert.equal(turn.record.stopReason, 'end_turn');
  });

  it('asks the provider to cache and keeps system and tools identical across the calls of a turn', async () => {
    const model = scripted([toolUse('t1', 'echo', '{"value":"v"}'), text('ok')]);
    await run(model);
    assert.equal(model.requests.length, 2);
    assert.ok(model.requests.every((r) => r.cache));
    assert.equal(JSON.stringify(model.requests[0]!.tools), JSON.stringify(model.requests[1]!.tools));
    assert.equal(model.requests[0]!.system, model.requests[1]!.system);
  });

  it('reports invalid tool input JSON and schema violations to the model as tool errors', async () => {
    const model = scripted([
      toolUse('t1', 'echo', '{"value": '),
      toolUse('t2', 'echo', '{"value": 5}'),
      text('sorry'),
    ]);
    const { events } = await run(model);
    const results = events.filter((e) => e.type === 'tool_result') as Extract<
      StreamEvent,
      { type: 'tool_result' }
    >[];
    assert.deepEqual(
      results.map((r) => r.status),
      ['error', 'error'],
    );
    assert.match(results[0]!.summary, /not valid JSON/);
    assert.match(results[1]!.summary, /Invalid input for echo/);
    assert.equal(lastResult(model.requests[1]!).status, 'error');
  });

  it('cuts oversized tool output and says so', async () => {
    const model = scripted([toolUse('t1', 'big', '{}'), text('ok')]);
    await run(model, { maxToolOutputChars: 1000 });
    const sent = lastResult(model.requests[1]!).text;
    assert.ok(sent.length < 1200);
    assert.match(sent, /\[truncated: 49002 of 50002 characters cut; ask for a narrower result\]$/);
  });

  it('stops with approval_required before a mutating tool runs', async () => {
    const { record, events } = await run(scripted([toolUse('t1', 'deploy', '{}')]));
    assert.equal(record.stopReason, 'approval_required');
    assert.deepEqual(
      events.map((e) => e.type),
      ['tool_call', 'approval_required'],
    );
    assert.equal((events[1] as Extract<StreamEvent, { type: 'approval_required' }>).canApprove, true);
    assert.deepEqual(record.toolCalls, [
      {
        id: 't1',
        name: 'deploy',
        input: {},
        status: 'pending',
        readOnly: false,
        // No account look-up in this context: the card still says where, and that the account is unknown.
        target: { account: 'unknown account', region: 'us-east-1' },
      },
    ]);
  });

  it('tells a caller outside the approver groups that they cannot approve', async () => {
    const { events } = await run(scripted([toolUse('t1', 'deploy', '{}')]), { canApprove: false });
    const card = events.find((e) => e.type === 'approval_required') as Extract<
      StreamEvent,
      { type: 'approval_required' }
    >;
    assert.equal(card.canApprove, false);
  });

  it('answers a tool it does not know with an error result, never a card (one rule for both paths)', async () => {
    const { record, events } = await run(scripted([toolUse('t1', 'made_up_tool', '{}'), text('sorry')]));
    assert.equal(record.stopReason, 'end_turn');
    assert.ok(!events.some((e) => e.type === 'approval_required'));
    const result = events.find((e) => e.type === 'tool_result') as Extract<
      StreamEvent,
      { type: 'tool_result' }
    >;
    assert.equal(result.status, 'error');
  });

  it('ends as cancelled when the signal is aborted between steps', async () => {
    const controller = new AbortController();
    const slowTool = defineTool({
      name: 'echo',
      description: '',
      inputSchema: z.object({ value: z.string() }),
      readOnly: true,
      run: async () => void controller.abort(),
    });
    const model = scripted([toolUse('t1', 'echo', '{"value":"v"}'), text('never')]);
    const { record } = await run(model, { signal: controller.signal, tools: new ToolRegistry([slowTool]) });
    assert.equal(record.stopReason, 'cancelled');
    assert.equal(model.requests.length, 1);
  });

  it('retries throttling before anything streamed, and not after', async () => {
    const throttled = () => new ModelError('throttled', 'anthropic', 'slow down');
    const before = scripted([throttled(), throttled(), text('third time')]);
    const { record } = await run(before);
    assert.equal(record.stopReason, 'end_turn');
    assert.equal(before.requests.length, 3);

    const after: Model = {
      provider: 'openai',
      modelId: 'm',
      async *stream() {
        yield { type: 'text', text: 'half an ans' };
        throw new ModelError('throttled', 'openai', 'slow down');
      },
    };
    const failed = await runFailing(after);
    assert.equal(failed.error.code, 'throttled');
    assert.equal(failed.error.retryable, true);
    // What streamed is kept for the interrupted answer.
    assert.deepEqual(failed.record.messages, [
      { role: 'assistant', content: [{ type: 'text', text: 'half an ans' }] },
    ]);
    assert.equal(failed.record.stopReason, undefined);
  });

  it('answers a context the model refuses as too long by compacting harder and trying once more', async () => {
    const calls: boolean[] = [];
    const fitContext = (messages: Message[], harder: boolean) => {
      calls.push(harder);
      return messages;
    };
    const tooLong = () => new ModelError('context_too_long', 'bedrock', 'input is too long');
    const once = scripted([tooLong(), text('fits now')]);
    const refusedWith: Message[][] = [];
    const contextRefused = (messages: Message[]) => refusedWith.push(messages);
    assert.equal((await run(once, { fitContext, contextRefused })).record.stopReason, 'end_turn');
    assert.deepEqual(calls, [false, true]);
    assert.equal(refusedWith.length, 1, 'told of the refusal');

    // Refused again after compacting: one clear error, no loop.
    const twice = scripted([tooLong(), tooLong(), text('never')]);
    assert.equal((await runFailing(twice, { fitContext, contextRefused })).error.code, 'context_too_long');
    assert.equal(twice.requests.length, 2);
    assert.equal(refusedWith.length, 3, 'the refused retry teaches too, for the next turn');
  });

  it('a refused context with the real fit: the retry leaves out old turns, the turn’s next call fits', async () => {
    const question = (i: number) => `question ${i}: ${'x'.repeat(6000)}`;
    const history: Message[] = [];
    for (let i = 0; i < 10; i++)
      history.push(
        { role: 'user', content: [{ type: 'text', text: question(i) }] },
        { role: 'assistant', content: [{ type: 'text', text: `answer ${i}` }] },
      );
    history.push({ role: 'user', content: [{ type: 'text', text: question(10) }] });
    // The configured budget believes 100,000 tokens; the model holds 10,000.
    const model = withWindow(scriptedModel([toolUse('t1', 'echo', '{"value":"v"}'), text('done')]), 10_000);
    const estimator = new TokenEstimator();
    const tools = new ToolRegistry([echo, big, deploy]);
    const fixed = 'sys'.length + JSON.stringify(tools.toolSpecs()).length;
    const fit = fitWithinTurn(100_000, fixed, estimator);
    const { record, events } = await run(model, {
      history,
      tools,
      fitContext: fit,
      contextRefused: (messages) => estimator.refused(fixed + messagesChars(messages)),
    });
    assert.equal(record.stopReason, 'end_turn');
    assert.ok(events.some((e) => e.type === 'tool_result'));
    // Each refusal is answered by one smaller retry, which the model takes; the first refusal
    // is 65 % over the window, so the call after the tool may be refused once more.
    const answered = model.requests.filter((r) => !model.refused.includes(r));
    assert.ok(model.refused.length >= 1 && model.refused.length <= 2, `${model.refused.length} refusals`);
    assert.equal(answered.length, 2, 'the call before the tool and the one after it');
    for (const r of answered) {
      assert.ok(requestChars(r) <= 10_000 * 4, `${requestChars(r)} characters`);
      assert.ok(JSON.stringify(r.messages).includes(question(10)), 'the question is whole');
      assert.match(JSON.stringify(r.messages[0]), /left out here to fit/);
    }
    // The call after the tool still carries the turn's own call and result.
    assert.deepEqual(
      answered[1]!.messages.slice(-2).map((m) => m.content[0]!.type),
      ['toolUse', 'toolResult'],
    );
    // What it learned holds for the next turn: a longer conversation is fitted under the window.
    const longer: Message[] = [...history, { role: 'assistant', content: [{ type: 'text', text: 'ok' }] }];
    longer.push({ role: 'user', content: [{ type: 'text', text: question(11) }] });
    const nextTurn = fit(longer, false);
    assert.ok(
      requestChars({
        system: 'sys',
        tools: tools.toolSpecs(),
        messages: nextTurn,
        maxTokens: 1,
        cache: true,
      }) <=
        10_000 * 4,
    );
  });

  it('fails as unavailable when the stream ends without a stop', async () => {
    const cut = scripted([[{ type: 'text', text: 'partial' }]]);
    const { error, record } = await runFailing(cut);
    assert.equal(error.code, 'unavailable');
    assert.equal(record.messages.length, 1, 'the partial answer is kept');
  });

  it('keeps reasoning with the answer for the provider and never shows it', async () => {
    const model = scripted([
      [
        { type: 'reasoning', text: 'think', signature: 'sig' },
        { type: 'toolUse', toolUseId: 't1', name: 'echo', input: '{"value":"v"}' },
        { type: 'stop', reason: 'tool_use' },
      ],
      text('done'),
    ]);
    const { events } = await run(model);
    assert.ok(!events.some((e) => e.type === 'text' && e.text.includes('think')));
    assert.deepEqual(model.requests[1]!.messages[1]!.content[0], {
      type: 'reasoning',
      text: 'think',
      signature: 'sig',
    });
  });

  it('offers no mutating tool in read-only mode', () => {
    const names = new ToolRegistry([echo, deploy], 'read-only').toolSpecs().map((t) => t.name);
    assert.deepEqual(names, ['echo']);
  });

  it('describes tool input to the model as JSON Schema', () => {
    const [spec] = new ToolRegistry([echo]).toolSpecs();
    assert.deepEqual((spec!.inputSchema as any).properties, { value: { type: 'string' } });
    assert.deepEqual((spec!.inputSchema as any).required, ['value']);
  });
});
