import assert from 'node:assert/strict';
import { createModel } from '../../../../backend/src/core/model/adapters/anthropic';
import {
  AnthropicFake,
  blockStop,
  delay,
  ev,
  httpError,
  messageEnd,
  messageStart,
  streamError,
  textDelta,
  textStart,
  textTurn,
  toolTurn,
} from '../../../fakes/anthropic';
import { collect, providerSuite, request } from './provider-suite';

const KEY = 'sk-ant-api03-test-key-0123456789abcdef';

describe('Anthropic adapter (wire fake, real SDK)', () => {
  const fake = new AnthropicFake();
  const suite = providerSuite({
    provider: 'anthropic',
    name: 'Anthropic',
    names: /Anthropic/,
    fake,
    key: KEY,
    keyMarks: ['api03'],
    make: (apiKey, baseUrl = fake.url) =>
      createModel({ modelId: 'claude-sonnet-4-5', baseUrl, apiKey, region: '' }),
    baseUrlAt: (origin) => origin,
    // @anthropic-ai/sdk 1.17 sends an apiKey as a bearer token.
    keyHeader: 'authorization',
    sentAs: (key) => `Bearer ${key}`,
    scripts: {
      text: (pieces) => textTurn(pieces),
      cutAfter: (text) => ({
        steps: [messageStart(), textStart(0), textDelta(0, text), delay(20), { kind: 'cut' }],
      }),
      hangAfter: (text) => ({ steps: [messageStart(), textStart(0), textDelta(0, text), { kind: 'hang' }] }),
      errorAfter: (text) => streamError('overloaded_error', 'Overloaded', [textStart(0), textDelta(0, text)]),
      refused: (said) => httpError(401, 'authentication_error', said),
      forbidden: (said) => httpError(403, 'permission_error', said),
    },
    errors: [
      [
        'a refused key',
        httpError(401, 'authentication_error', `invalid x-api-key ${KEY}`),
        'auth',
        /Set Model API Key/,
      ],
      [
        'no access to the model',
        httpError(403, 'permission_error', 'not allowed'),
        'access',
        /claude-sonnet-4-5/,
      ],
      ['an unknown model', httpError(404, 'not_found_error', 'model: claude-nope'), 'not_found', /MODEL_ID/],
      [
        'a prompt over the window',
        httpError(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'),
        'context_too_long',
        /too long/,
      ],
      ['a bad request', httpError(400, 'invalid_request_error', 'tools.0.name: bad'), 'invalid', /rejected/],
      [
        'throttling',
        httpError(429, 'rate_limit_error', 'slow down', { 'retry-after': '17' }),
        'throttled',
        /rate-limiting/,
      ],
      ['an overload', httpError(529, 'overloaded_error', 'Overloaded'), 'unavailable', /overloaded/],
      ['a 500', httpError(500, 'api_error', 'Internal server error'), 'unavailable', /unavailable/],
    ],
    throttled: [httpError(429, 'rate_limit_error', 'slow down', { 'retry-after': '17' }), 17],
    downHint: /check MODEL_BASE_URL and the network\./,
  });

  it('sends system, tools in order and cache_control on system, last tool and last message block', async () => {
    fake.enqueue(textTurn(['ok']));
    await collect(
      suite.model,
      request({
        systemNote: 'The MCP server docs did not answer.',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'first' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'answer' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'second' },
              { type: 'text', text: 'third' },
            ],
          },
        ],
      }),
    );
    const body = fake.requests[0]!.body;
    assert.equal(body.model, 'claude-sonnet-4-5');
    assert.equal(body.max_tokens, 1024);
    assert.equal(body.stream, true);
    assert.deepEqual(body.system, [
      { type: 'text', text: 'You are the cloud engineer.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'The MCP server docs did not answer.' },
    ]);
    assert.deepEqual(
      body.tools.map((t: any) => t.name),
      ['aws_read', 'aws_write'],
    );
    assert.equal(body.tools[0].cache_control, undefined);
    assert.deepEqual(body.tools[1].cache_control, { type: 'ephemeral' });
    assert.deepEqual(body.tools[0].input_schema, { type: 'object', properties: {} });
    const last = body.messages.at(-1).content;
    assert.deepEqual(last[1], { type: 'text', text: 'third', cache_control: { type: 'ephemeral' } });
    assert.equal(last[0].cache_control, undefined);
    assert.equal(body.messages[1].content[0].cache_control, undefined);
    // Four breakpoints at most: exactly three here.
    assert.equal(fake.requests[0]!.rawBody.split('cache_control').length - 1, 3);
  });

  it('sends no cache_control when caching is off', async () => {
    fake.enqueue(textTurn(['ok']));
    await collect(suite.model, request({ cache: false }));
    assert.ok(!fake.requests[0]!.rawBody.includes('cache_control'));
  });

  it('converts tool calls, tool results and signed thinking, and drops unsigned thinking', async () => {
    fake.enqueue(textTurn(['done']));
    await collect(
      suite.model,
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'go' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'old thought' },
              { type: 'reasoning', text: 'I should look', signature: 'sig-1' },
              { type: 'text', text: 'Looking.' },
              { type: 'toolUse', toolUseId: 'toolu_1', name: 'aws_read', input: { service: 's3' } },
            ],
          },
          {
            role: 'user',
            content: [{ type: 'toolResult', toolUseId: 'toolu_1', status: 'error', text: 'denied' }],
          },
        ],
      }),
    );
    const [, assistant, results] = fake.requests[0]!.body.messages;
    assert.deepEqual(assistant, {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should look', signature: 'sig-1' },
        { type: 'text', text: 'Looking.' },
        { type: 'tool_use', id: 'toolu_1', name: 'aws_read', input: { service: 's3' } },
      ],
    });
    assert.deepEqual(results, {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_1',
          content: 'denied',
          is_error: true,
          cache_control: { type: 'ephemeral' },
        },
      ],
    });
  });

  it('assembles tool inputs from one-character pieces, with thinking and its signature', async () => {
    fake.enqueue(
      toolTurn(
        [
          { id: 'toolu_a', name: 'aws_read', input: { q: 'héllo "wörld" ☃' } },
          { id: 'toolu_b', name: 'aws_write', input: {} },
        ],
        { pieceSize: 1, preamble: 'Let me check.', thinking: { text: 'hmm', signature: 'sig-xyz' } },
      ),
    );
    const events = await collect(suite.model);
    assert.deepEqual(events.slice(0, 5), [
      { type: 'reasoning', text: 'hmm' },
      { type: 'reasoning', text: '', signature: 'sig-xyz' },
      { type: 'text', text: 'Let me check.' },
      { type: 'toolUse', toolUseId: 'toolu_a', name: 'aws_read', input: '{"q":"héllo \\"wörld\\" ☃"}' },
      { type: 'toolUse', toolUseId: 'toolu_b', name: 'aws_write', input: '{}' },
    ]);
    assert.deepEqual(JSON.parse((events[3] as any).input), { q: 'héllo "wörld" ☃' });
    assert.deepEqual(events[5], { type: 'stop', reason: 'tool_use' });
  });

  it('reports usage with every input token counted, cached ones included', async () => {
    fake.enqueue(textTurn(['hi'], { input: 7, output: 3, cacheRead: 1000, cacheWrite: 200 }));
    const events = await collect(suite.model);
    assert.deepEqual(events.at(-1), {
      type: 'usage',
      usage: { inputTokens: 1207, outputTokens: 3, cacheReadTokens: 1000, cacheWriteTokens: 200 },
    });
  });

  it('takes the cumulative counts of message_delta over message_start', async () => {
    fake.enqueue({
      steps: [
        messageStart({ input: 5 }),
        textStart(0),
        textDelta(0, 'x'),
        blockStop(0),
        ev('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: 'max_tokens', stop_sequence: null },
          usage: {
            input_tokens: 9,
            output_tokens: 40,
            cache_read_input_tokens: 11,
            cache_creation_input_tokens: null,
          },
        }),
        ev('message_stop', { type: 'message_stop' }),
      ],
    });
    const events = await collect(suite.model);
    assert.deepEqual(events.slice(-2), [
      { type: 'stop', reason: 'max_tokens' },
      { type: 'usage', usage: { inputTokens: 20, outputTokens: 40, cacheReadTokens: 11 } },
    ]);
  });

  it('lists models across pages', async () => {
    fake.moreModels = [{ id: 'claude-opus-4-1', display_name: 'Claude Opus 4.1' }];
    const models = await suite.model.listModels!(new AbortController().signal);
    assert.deepEqual(models, [
      { id: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5' },
      { id: 'claude-haiku-4-5', name: 'Claude Haiku 4.5' },
      { id: 'claude-opus-4-1', name: 'Claude Opus 4.1' },
    ]);
    assert.equal(fake.requests[0]!.headers.authorization, `Bearer ${KEY}`);
    fake.moreModels = [];
  });

  it('reads a frame split across writes inside a multi-byte character, and skips pings', async () => {
    const frame = Buffer.from(
      `event: content_block_delta\ndata: ${JSON.stringify({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'split ☃ here' },
      })}\n\n`,
    );
    const cut = frame.indexOf(Buffer.from('☃')) + 1;
    fake.enqueue({
      steps: [
        messageStart(),
        { kind: 'raw', bytes: 'event: ping\ndata: {"type": "ping"}\n\n' },
        textStart(0),
        { kind: 'raw', bytes: frame.subarray(0, cut) },
        delay(10),
        { kind: 'raw', bytes: frame.subarray(cut) },
        blockStop(0),
        ...messageEnd('end_turn'),
      ],
    });
    const events = await collect(suite.model);
    assert.deepEqual(events[0], { type: 'text', text: 'split ☃ here' });
    assert.deepEqual(events[1], { type: 'stop', reason: 'end_turn' });
  });
});
