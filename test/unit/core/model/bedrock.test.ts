/**
 * Prompt caching on Bedrock: where `toConverse` puts cache points for each model family, and none
 * where the model does not take them (Bedrock refuses those requests) or caching is off.
 */
import assert from 'node:assert/strict';
import { toConverse } from '../../../../backend/src/core/model/adapters/bedrock';
import type { ModelRequest } from '../../../../backend/src/core/model/types';

const CACHE_POINT = { cachePoint: { type: 'default' } };

const request = (over: Partial<ModelRequest> = {}): ModelRequest => ({
  system: 'You are the agent.',
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'list my buckets' }] },
    { role: 'assistant', content: [{ type: 'toolUse', toolUseId: 't1', name: 'aws_read', input: { a: 1 } }] },
    { role: 'user', content: [{ type: 'toolResult', toolUseId: 't1', status: 'success', text: '[]' }] },
  ],
  tools: [
    { name: 'aws_read', description: 'reads', inputSchema: { type: 'object', properties: {} } },
    { name: 'aws_call', description: 'changes', inputSchema: { type: 'object', properties: {} } },
  ],
  maxTokens: 1000,
  cache: true,
  ...over,
});

/** Where the cache points sit: system, tools, and each message's content. */
function points(body: ReturnType<typeof toConverse>) {
  const at = (blocks: unknown[] | undefined) =>
    (blocks ?? []).flatMap((b, i) => ((b as { cachePoint?: unknown }).cachePoint ? [i] : []));
  return {
    system: at(body.system),
    tools: at(body.toolConfig?.tools),
    messages: (body.messages ?? []).map((m) => at(m.content)),
  };
}

describe('Bedrock prompt caching (toConverse)', () => {
  for (const modelId of [
    'anthropic.claude-sonnet-4-20250514-v1:0',
    'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
    'anthropic.claude-3-5-haiku-20241022-v1:0',
    'global.anthropic.claude-opus-4-1-20250805-v1:0',
    'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  ]) {
    it(`${modelId}: after the system prompt, after the tools, at the end of the conversation`, () => {
      const body = toConverse(modelId, request());
      assert.deepEqual(body.system, [{ text: 'You are the agent.' }, CACHE_POINT]);
      assert.deepEqual(body.toolConfig!.tools!.at(-1), CACHE_POINT);
      assert.deepEqual(points(body), { system: [1], tools: [2], messages: [[], [], [1]] });
      assert.deepEqual(body.messages!.at(-1)!.content!.at(-1), CACHE_POINT);
    });
  }

  it('Claude: what varies per turn (an MCP server that did not answer) goes after the cached system', () => {
    const body = toConverse(
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      request({ systemNote: 'Note: the MCP server "docs" did not answer.' }),
    );
    assert.deepEqual(body.system, [
      { text: 'You are the agent.' },
      CACHE_POINT,
      { text: 'Note: the MCP server "docs" did not answer.' },
    ]);
  });

  for (const modelId of [
    'amazon.nova-pro-v1:0',
    'us.amazon.nova-lite-v1:0',
    'amazon.nova-micro-v1:0',
    'us.amazon.nova-premier-v1:0',
  ])
    it(`${modelId}: after the system prompt and at the end of the conversation, never in the tools`, () => {
      const body = toConverse(modelId, request());
      assert.deepEqual(points(body), { system: [1], tools: [], messages: [[], [], [1]] });
      assert.equal(body.toolConfig!.tools!.length, 2);
    });

  for (const modelId of [
    'meta.llama3-1-70b-instruct-v1:0',
    'mistral.mistral-large-2407-v1:0',
    'anthropic.claude-3-haiku-20240307-v1:0',
    'anthropic.claude-v2:1',
    'amazon.titan-text-express-v1',
    'test.fake-model-v1',
  ])
    it(`${modelId}: no cache point anywhere (the model does not take them)`, () => {
      const body = toConverse(modelId, request());
      assert.ok(!JSON.stringify(body).includes('cachePoint'));
    });

  it('caching off: no cache point, whatever the model', () => {
    for (const modelId of ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'amazon.nova-pro-v1:0']) {
      const body = toConverse(modelId, request({ cache: false }));
      assert.ok(!JSON.stringify(body).includes('cachePoint'), modelId);
    }
  });

  it('no tool list and no cache point for it when there are no tools (a summary call)', () => {
    const body = toConverse('us.anthropic.claude-sonnet-4-5-20250929-v1:0', request({ tools: [] }));
    assert.equal(body.toolConfig, undefined);
    assert.deepEqual(points(body), { system: [1], tools: [], messages: [[], [], [1]] });
  });

  it('leaves the request it was given untouched (the loop reuses its messages)', () => {
    const given = request();
    const copy = structuredClone(given);
    toConverse('us.anthropic.claude-sonnet-4-5-20250929-v1:0', given);
    toConverse('us.anthropic.claude-sonnet-4-5-20250929-v1:0', given);
    assert.deepEqual(given, copy);
  });
});
