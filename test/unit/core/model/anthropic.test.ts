import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createAnthropicModel } from '../../../../backend/src/core/model/anthropic';
import { ModelError } from '../../../../backend/src/core/model/errors';
import { fixedKey, type ApiKeySource } from '../../../../backend/src/core/model/options';
import type { Model, ModelEvent, ModelRequest } from '../../../../backend/src/core/model/types';
import {
  AnthropicFake,
  blockStop,
  delay,
  ev,
  gate,
  httpError,
  messageEnd,
  messageStart,
  streamError,
  textDelta,
  textStart,
  textTurn,
  toolTurn,
} from '../../../fakes/anthropic';

const KEY = 'sk-ant-api03-test-key-0123456789abcdef';

const request = (over: Partial<ModelRequest> = {}): ModelRequest => ({
  system: 'You are the cloud engineer.',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'list my buckets' }] }],
  tools: [
    { name: 'aws_read', description: 'Read AWS', inputSchema: { type: 'object', properties: {} } },
    { name: 'aws_write', description: 'Change AWS', inputSchema: { type: 'object' } },
  ],
  maxTokens: 1024,
  cache: true,
  ...over,
});

async function collect(model: Model, req = request(), signal = new AbortController().signal) {
  const events: ModelEvent[] = [];
  for await (const e of model.stream(req, signal)) events.push(e);
  return events;
}

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('Anthropic adapter (wire fake, real SDK)', () => {
  const fake = new AnthropicFake();
  let model: Model;
  before(() => fake.start());
  after(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    model = createAnthropicModel({
      modelId: 'claude-sonnet-4-5',
      baseUrl: fake.url,
      apiKey: fixedKey(KEY),
      region: '',
    });
  });

  it('yields each text delta before the server sends the next one', async () => {
    const g = gate();
    fake.enqueue(textTurn(['Hel', g.step, 'lo']));
    const it = model.stream(request(), new AbortController().signal)[Symbol.asyncIterator]();
    const first = await it.next();
    assert.deepEqual(first.value, { type: 'text', text: 'Hel' });
    // The server is still waiting at the gate: the delta was not buffered behind the rest.
    assert.equal(fake.requests[0]!.finished, false);
    g.open();
    const rest: ModelEvent[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
    assert.deepEqual(rest[0], { type: 'text', text: 'lo' });
    assert.deepEqual(rest.at(-2), { type: 'stop', reason: 'end_turn' });
  });

  it('sends system, tools in order and cache_control on system, last tool and last message block', async () => {
    fake.enqueue(textTurn(['ok']));
    await collect(
      model,
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
    await collect(model, request({ cache: false }));
    assert.ok(!fake.requests[0]!.rawBody.includes('cache_control'));
  });

  it('sends the key only in the SDK auth header, never in the body or the URL', async () => {
    fake.enqueue(textTurn(['ok']));
    await collect(model);
    const r = fake.requests[0]!;
    // @anthropic-ai/sdk 1.17 sends an apiKey as a bearer token.
    assert.equal(r.headers.authorization, `Bearer ${KEY}`);
    const others = Object.entries(r.headers).filter(([name]) => name !== 'authorization');
    assert.ok(!JSON.stringify(others).includes(KEY));
    assert.ok(!r.rawBody.includes(KEY));
    assert.ok(!r.path.includes(KEY));
  });

  it('converts tool calls, tool results and signed thinking, and drops unsigned thinking', async () => {
    fake.enqueue(textTurn(['done']));
    await collect(
      model,
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
    const events = await collect(model);
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
    const events = await collect(model);
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
    const events = await collect(model);
    assert.deepEqual(events.slice(-2), [
      { type: 'stop', reason: 'max_tokens' },
      { type: 'usage', usage: { inputTokens: 20, outputTokens: 40, cacheReadTokens: 11 } },
    ]);
  });

  describe('errors', () => {
    const cases: [string, ReturnType<typeof httpError>, string, RegExp][] = [
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
    ];
    for (const [what, script, kind, message] of cases) {
      it(`maps ${what} to '${kind}', naming Anthropic, without the key`, async () => {
        fake.enqueue(script, script);
        const error = await failure(collect(model));
        assert.equal(error.kind, kind);
        assert.equal(error.provider, 'anthropic');
        assert.match(error.message, /Anthropic/);
        assert.match(error.message, message);
        assert.ok(!error.message.includes(KEY));
        assert.ok(!error.message.includes('api03'));
      });
    }

    it('passes retry-after on throttling', async () => {
      fake.enqueue(httpError(429, 'rate_limit_error', 'slow down', { 'retry-after': '17' }));
      const error = await failure(collect(model));
      assert.equal(error.retryAfterSeconds, 17);
      assert.equal(error.retryNow, true);
      assert.equal(fake.requests.length, 1, 'the SDK itself does not retry');
    });

    it('scrubs a key the server echoes in a message', async () => {
      fake.enqueue(httpError(403, 'permission_error', `key ${KEY} may not use this model`));
      const error = await failure(collect(model));
      assert.equal(error.kind, 'access');
      assert.ok(!error.message.includes(KEY));
      assert.match(error.message, /\[key\]/);
    });

    it('maps an error event mid-stream, after text streamed', async () => {
      fake.enqueue(streamError('overloaded_error', 'Overloaded', [textStart(0), textDelta(0, 'partial')]));
      const events: ModelEvent[] = [];
      const error = await failure(
        (async () => {
          for await (const e of model.stream(request(), new AbortController().signal)) events.push(e);
        })(),
      );
      assert.deepEqual(events, [{ type: 'text', text: 'partial' }]);
      assert.equal(error.kind, 'unavailable');
    });

    it("maps a connection cut mid-stream to 'unavailable'", async () => {
      fake.enqueue({
        steps: [messageStart(), textStart(0), textDelta(0, 'par'), delay(20), { kind: 'cut' }],
      });
      const error = await failure(collect(model));
      assert.equal(error.kind, 'unavailable');
      assert.match(error.message, /broke off/);
    });

    it('names the base URL when nothing answers', async () => {
      const port = await freePort();
      const down = createAnthropicModel({
        modelId: 'claude-sonnet-4-5',
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: fixedKey(KEY),
        region: '',
      });
      const error = await failure(collect(down));
      assert.equal(error.kind, 'unavailable');
      assert.match(error.message, new RegExp(`Nothing answered at http://127\\.0\\.0\\.1:${port}`));
    });

    it('refuses to call without a key', async () => {
      const none = createAnthropicModel({
        modelId: 'm',
        baseUrl: fake.url,
        apiKey: fixedKey(undefined),
        region: '',
      });
      const error = await failure(collect(none));
      assert.equal(error.kind, 'auth');
      assert.equal(fake.requests.length, 0);
    });
  });

  describe('a refused key', () => {
    const rotating = (keys: string[]): ApiKeySource & { refreshes: number } => {
      let i = 0;
      const source = {
        refreshes: 0,
        get: async () => keys[i],
        refresh: async () => {
          source.refreshes++;
          i = Math.min(i + 1, keys.length - 1);
          return keys[i];
        },
      };
      return source;
    };

    it('is read again once and the call retried with the rotated key', async () => {
      const source = rotating(['sk-ant-old-key-000000', 'sk-ant-new-key-111111']);
      const m = createAnthropicModel({
        modelId: 'claude-sonnet-4-5',
        baseUrl: fake.url,
        apiKey: source,
        region: '',
      });
      fake.enqueue(httpError(401, 'authentication_error', 'invalid x-api-key'), textTurn(['rotated']));
      const events = await collect(m);
      assert.deepEqual(events[0], { type: 'text', text: 'rotated' });
      assert.equal(source.refreshes, 1);
      assert.equal(fake.requests[0]!.headers.authorization, 'Bearer sk-ant-old-key-000000');
      assert.equal(fake.requests[1]!.headers.authorization, 'Bearer sk-ant-new-key-111111');
    });

    it('fails as auth when the refreshed key is the same, without a second call', async () => {
      const source = rotating([KEY]);
      const m = createAnthropicModel({
        modelId: 'claude-sonnet-4-5',
        baseUrl: fake.url,
        apiKey: source,
        region: '',
      });
      fake.enqueue(httpError(401, 'authentication_error', 'invalid x-api-key'));
      const error = await failure(collect(m));
      assert.equal(error.kind, 'auth');
      assert.equal(source.refreshes, 1);
      assert.equal(fake.requests.length, 1);
    });

    it('retries only once when the rotated key is refused too', async () => {
      const source = rotating(['sk-ant-a-0000000', 'sk-ant-b-1111111', 'sk-ant-c-2222222']);
      const m = createAnthropicModel({
        modelId: 'claude-sonnet-4-5',
        baseUrl: fake.url,
        apiKey: source,
        region: '',
      });
      const refused = httpError(401, 'authentication_error', 'invalid x-api-key sk-ant-b-1111111');
      fake.enqueue(refused, refused, refused);
      const error = await failure(collect(m));
      assert.equal(error.kind, 'auth');
      assert.equal(fake.requests.length, 2);
      assert.ok(!error.message.includes('sk-ant-b'));
    });
  });

  it('aborts the HTTP request when the signal fires, and yields nothing more', async () => {
    fake.enqueue({ steps: [messageStart(), textStart(0), textDelta(0, 'first'), { kind: 'hang' }] });
    const controller = new AbortController();
    const events: ModelEvent[] = [];
    const error = await failure(
      (async () => {
        for await (const e of model.stream(request(), controller.signal)) {
          events.push(e);
          controller.abort();
        }
      })(),
    );
    assert.deepEqual(events, [{ type: 'text', text: 'first' }]);
    assert.match(error.message, /cancelled/);
    await until(() => fake.requests[0]!.aborted);
  });

  it('lists models across pages', async () => {
    fake.moreModels = [{ id: 'claude-opus-4-1', display_name: 'Claude Opus 4.1' }];
    const models = await model.listModels!(new AbortController().signal);
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
    const events = await collect(model);
    assert.deepEqual(events[0], { type: 'text', text: 'split ☃ here' });
    assert.deepEqual(events[1], { type: 'stop', reason: 'end_turn' });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}
