/**
 * What a turn stores however it ends: the record is the agent loop's alone, and the chat reads it
 * when the turn ended, also when the turn never returned (cut short on the chat's side).
 */
import assert from 'node:assert/strict';
import { z } from 'zod';
import { LOCAL_ACTOR } from '../../../../backend/src/core/auth/authenticator';
import type { TextGuard } from '../../../../backend/src/core/guardrails/text-guard';
import { ModelError } from '../../../../backend/src/core/model/errors';
import type { ModelEvent } from '../../../../backend/src/core/model/types';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { defineTool } from '../../../../backend/src/core/tools/types';
import { chat, inProcessService } from '../../../support/in-process';
import { scripted, toolUse, usage } from '../../../support/scripted-model';

let ran: string[] = [];
const echo = defineTool({
  name: 'echo',
  description: 'echoes',
  inputSchema: z.object({ value: z.string() }),
  readOnly: true,
  run: async ({ value }) => (ran.push(value), { value }),
});
const noOutput: TextGuard = async (text, source) =>
  source === 'OUTPUT' && /forbidden/.test(text)
    ? { action: 'blocked', text: '', categories: ['topic:Secrets'] }
    : { action: 'none', text, categories: [] };

async function lastAnswer(agent: ReturnType<typeof inProcessService>, sessionId: string) {
  const result = await agent.invoke(LOCAL_ACTOR, { action: 'getSession', sessionId });
  assert.equal(result.kind, 'json');
  const { turns } = result.body as {
    turns: { role: string; text: string; status: string; createdAt: string; toolCalls?: unknown[] }[];
  };
  return turns;
}

describe('the stored answer, however the turn ended', () => {
  beforeEach(() => (ran = []));

  it('keeps the calls, tokens and messages of a turn the output guard cut short mid-turn', async () => {
    // The second response's text is blocked when its tool call comes: the agent is left suspended
    // there, never returning its record, and its second call never runs.
    const text: ModelEvent = { type: 'text', text: 'Here is the forbidden plan. ' };
    const agent = inProcessService({
      tools: new ToolRegistry([echo]),
      textGuard: noOutput,
      model: scripted([
        toolUse('t1', 'echo', '{"value":"first"}'),
        [text, ...toolUse('t2', 'echo', '{"value":"second"}')],
      ]),
    });
    const { events, sessionId } = await chat(agent, LOCAL_ACTOR, { message: 'go' });
    assert.deepEqual(ran, ['first']);
    assert.deepEqual(events.at(-1), { type: 'done', stopReason: 'guardrail_intervened' });
    assert.deepEqual(
      events.find((e) => e.type === 'usage'),
      { type: 'usage', inputTokens: 20, outputTokens: 2, modelId: 'm' },
    );
    const turns = await lastAnswer(agent, sessionId);
    assert.deepEqual(turns.at(-1), {
      role: 'assistant',
      text: '',
      createdAt: turns.at(-1)!.createdAt,
      status: 'complete',
      toolCalls: [{ id: 't1', name: 'echo', input: { value: 'first' }, status: 'success' }],
      usage: { inputTokens: 20, outputTokens: 2, modelId: 'm' },
    });
  });

  it('stores the partial answer as interrupted after a model failure mid-answer, with the calls before it', async () => {
    const failing = scripted([toolUse('t1', 'echo', '{"value":"first"}')]);
    const base = failing.stream.bind(failing);
    let call = 0;
    failing.stream = (request, signal) =>
      ++call === 1
        ? base(request, signal)
        : (async function* () {
            yield { type: 'text', text: 'Half an ' } as ModelEvent;
            yield usage(7);
            throw new ModelError('unavailable', 'bedrock', 'Bedrock is unavailable; try again shortly.');
          })();
    const agent = inProcessService({ tools: new ToolRegistry([echo]), model: failing });
    const { events, sessionId } = await chat(agent, LOCAL_ACTOR, { message: 'go' });
    assert.deepEqual(events.at(-1), {
      type: 'error',
      code: 'unavailable',
      message: 'Bedrock is unavailable; try again shortly.',
      retryable: true,
    });
    const turns = await lastAnswer(agent, sessionId);
    assert.deepEqual(
      turns.map((t) => [t.role, t.text, t.status]),
      [
        ['user', 'go', 'complete'],
        ['assistant', 'Half an ', 'interrupted'],
      ],
    );
    assert.equal(turns[1]!.toolCalls?.length, 1);
  });
});
