import assert from 'node:assert/strict';
import { z } from 'zod';
import { runAgentTurn } from '../../../../backend/src/core/agent/loop';
import type { Message } from '../../../../backend/src/core/model/types';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { defineTool } from '../../../../backend/src/core/tools/types';
import type { StreamEvent } from '../../../../backend/src/protocol';
import { deploy, echo, lastResult, run, scripted, text, toolUse } from './loop-fixtures';

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
