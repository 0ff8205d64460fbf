/** What the runAgentTurn tests share: a scripted model edge, three tools, and a turn run to its end. */
import assert from 'node:assert/strict';
import { z } from 'zod';
import { runAgentTurn, type AgentTurnOptions } from '../../../../backend/src/core/agent/loop';
import { ModelError } from '../../../../backend/src/core/model/errors';
import type { Model, ModelEvent, ModelRequest } from '../../../../backend/src/core/model/types';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { defineTool } from '../../../../backend/src/core/tools/types';
import type { StreamEvent } from '../../../../backend/src/protocol';

type Response = ModelEvent[] | ModelError;

/** A model edge that plays scripted responses (the adapters have wire-level tests of their own). */
export function scripted(responses: Response[]): Model & { requests: ModelRequest[] } {
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
export const text = (
  t: string,
  reason: Extract<ModelEvent, { type: 'stop' }>['reason'] = 'end_turn',
): ModelEvent[] => [{ type: 'text', text: t }, { type: 'stop', reason }, usage(10)];
export const toolUse = (id: string, name: string, json: string): ModelEvent[] => [
  { type: 'toolUse', toolUseId: id, name, input: json },
  { type: 'stop', reason: 'tool_use' },
  usage(10),
];

export const echo = defineTool({
  name: 'echo',
  description: 'echoes',
  inputSchema: z.object({ value: z.string() }),
  readOnly: true,
  run: async ({ value }) => ({ value: value.repeat(1) }),
});
export const big = defineTool({
  name: 'big',
  description: 'big output',
  inputSchema: z.object({}),
  readOnly: true,
  run: async () => 'x'.repeat(50_000),
});
export const deploy = defineTool({
  name: 'deploy',
  description: 'changes AWS',
  inputSchema: z.object({}),
  readOnly: false,
  run: async () => assert.fail('must not run without approval'),
});

/** One user message, the three tools above, no retry delay. */
const turnOptions = (model: Model, overrides: Partial<AgentTurnOptions>): AgentTurnOptions => ({
  model,
  system: 'sys',
  history: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  tools: new ToolRegistry([echo, big, deploy]),
  toolContext: { actorId: 'a', region: 'us-east-1' },
  signal: new AbortController().signal,
  retry: { attempts: 3, baseDelayMs: 0 },
  ...overrides,
});

export async function run(model: Model, overrides: Partial<AgentTurnOptions> = {}) {
  const events: StreamEvent[] = [];
  const turn = runAgentTurn(turnOptions(model, overrides));
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
export async function runFailing(model: Model, overrides: Partial<AgentTurnOptions> = {}) {
  const turn = runAgentTurn(turnOptions(model, overrides));
  try {
    for await (const _ of turn.events);
  } catch (error) {
    assert.ok(error instanceof ModelError, `a ModelError, not ${String(error)}`);
    return { error, record: turn.record };
  }
  assert.fail('the turn did not fail');
}

export const lastResult = (request: ModelRequest) => {
  const block = request.messages.at(-1)!.content[0]!;
  assert.equal(block.type, 'toolResult');
  return block;
};
