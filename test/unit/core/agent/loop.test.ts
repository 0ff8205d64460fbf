import assert from 'node:assert/strict';
import { z } from 'zod';
import { runAgentTurn, TurnRecord, type AgentTurnOptions } from '../../../../backend/src/core/agent/loop';
import type { ModelClient, ModelRequest, ModelStreamEvent } from '../../../../backend/src/core/agent/model';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { defineTool } from '../../../../backend/src/core/tools/types';
import type { StreamEvent } from '../../../../backend/src/protocol';

/** A model edge that plays scripted responses (the wire-level fake covers the real client). */
function scripted(responses: ModelStreamEvent[][]): ModelClient & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    requests,
    async converseStream(request) {
      requests.push(structuredClone(request));
      const events = responses.shift() ?? [];
      return (async function* () {
        yield* events;
      })();
    },
  };
}
const text = (t: string, stopReason = 'end_turn'): ModelStreamEvent[] => [
  { contentBlockDelta: { contentBlockIndex: 0, delta: { text: t } } },
  { messageStop: { stopReason: stopReason as never } },
];
const toolUse = (id: string, name: string, json: string): ModelStreamEvent[] => [
  { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: id, name } } } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: json } } } },
  { messageStop: { stopReason: 'tool_use' } },
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

async function run(model: ModelClient, overrides: Partial<AgentTurnOptions> = {}) {
  const record = new TurnRecord();
  const events: StreamEvent[] = [];
  for await (const e of runAgentTurn(
    {
      model,
      modelId: 'm',
      system: 'sys',
      history: [{ role: 'user', content: [{ text: 'hi' }] }],
      tools: new ToolRegistry([echo, big, deploy]),
      toolContext: { actorId: 'a', region: 'us-east-1' },
      signal: new AbortController().signal,
      retry: { attempts: 3, baseDelayMs: 0 },
      ...overrides,
    },
    record,
  ))
    events.push(e);
  return { record, events };
}

describe('runAgentTurn', () => {
  it('stops at the iteration cap when the model keeps calling tools', async () => {
    const model = scripted(Array.from({ length: 5 }, (_, i) => toolUse(`t${i}`, 'echo', '{"value":"v"}')));
    const { record } = await run(model, { maxIterations: 3 });
    assert.equal(record.stopReason, 'max_iterations');
    assert.equal(model.requests.length, 3);
    assert.equal(record.toolCalls.length, 3);
  });

  for (const [bedrock, ours] of [
    ['end_turn', 'end_turn'],
    ['stop_sequence', 'end_turn'],
    ['max_tokens', 'max_tokens'],
    ['guardrail_intervened', 'guardrail_intervened'],
    ['content_filtered', 'guardrail_intervened'],
  ]) {
    it(`maps stopReason ${bedrock} to ${ours}`, async () => {
      const { record } = await run(scripted([text('x', bedrock)]));
      assert.equal(record.stopReason, ours);
    });
  }

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
    assert.equal(model.requests[1]!.messages!.at(-1)!.content![0]!.toolResult!.status, 'error');
  });

  it('cuts oversized tool output and says so', async () => {
    const model = scripted([toolUse('t1', 'big', '{}'), text('ok')]);
    await run(model, { maxToolOutputChars: 1000 });
    const sent = model.requests[1]!.messages!.at(-1)!.content![0]!.toolResult!.content![0]!.text!;
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
    const names = new ToolRegistry([echo, deploy], 'read-only').toBedrockTools().map((t) => t.toolSpec!.name);
    assert.deepEqual(names, ['echo']);
  });

  it('describes tool input to the model as JSON Schema', () => {
    const [spec] = new ToolRegistry([echo]).toBedrockTools();
    assert.deepEqual((spec!.toolSpec!.inputSchema as { json: any }).json.properties, {
      value: { type: 'string' },
    });
    assert.deepEqual((spec!.toolSpec!.inputSchema as { json: any }).json.required, ['value']);
  });
});
