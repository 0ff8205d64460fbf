import assert from 'node:assert/strict';
import {
  createModel,
  LOCAL_PLACEHOLDER_KEY,
  toOpenAI,
} from '../../../../backend/src/core/model/adapters/openai';
import { fixedKey, type ApiKeySource } from '../../../../backend/src/core/model/options';
import type { ModelEvent } from '../../../../backend/src/core/model/types';
import {
  chunk,
  delay,
  done,
  httpError,
  OpenAIFake,
  textTurn,
  toolTurn,
  usageChunk,
} from '../../../fakes/openai';
import { collect, failure, providerSuite, request } from './provider-suite';

const KEY = 'sk-proj-test-key-0123456789abcdefghij';

describe('OpenAI-compatible adapter (wire fake, real SDK)', () => {
  const fake = new OpenAIFake();
  const make = (apiKey: ApiKeySource = fixedKey(KEY), baseUrl = `${fake.url}/v1`, modelId = 'gpt-4.1') =>
    createModel({ modelId, baseUrl, apiKey, region: '' });
  const suite = providerSuite({
    provider: 'openai',
    name: 'the server',
    names: /OpenAI-compatible server at http:\/\/127\.0\.0\.1/,
    fake,
    key: KEY,
    keyMarks: ['0123456789'],
    make: (apiKey, baseUrl) => make(apiKey, baseUrl),
    baseUrlAt: (origin) => `${origin}/v1`,
    keyHeader: 'authorization',
    sentAs: (key) => `Bearer ${key}`,
    scripts: {
      text: (pieces) => textTurn(pieces),
      cutAfter: (text) => ({ steps: [chunk({ content: text }), delay(20), { kind: 'cut' }] }),
      hangAfter: (text) => ({ steps: [chunk({ content: text }), { kind: 'hang' }] }),
      errorAfter: (text) => ({
        steps: [
          chunk({ content: text }),
          { kind: 'chunk', data: { error: { message: `boom ${KEY}`, type: 'server_error' } } },
        ],
      }),
      refused: (said) => httpError(401, said, 'invalid_request_error', 'invalid_api_key'),
      forbidden: (said) => httpError(403, said, 'invalid_request_error'),
    },
    errors: [
      [
        'a refused key',
        httpError(
          401,
          `Incorrect API key provided: ${KEY}. You can find your API key at …`,
          'invalid_request_error',
          'invalid_api_key',
        ),
        'auth',
        /refused the key: set a valid key with Cloud Engineer: Set Model API Key… or MODEL_API_KEY \/ MODEL_API_KEY_SECRET/,
      ],
      [
        'no access',
        httpError(403, 'Project does not have access to model', 'invalid_request_error'),
        'access',
        /gpt-4\.1/,
      ],
      [
        'an unknown model',
        httpError(404, 'The model `gpt-nope` does not exist', 'invalid_request_error', 'model_not_found'),
        'not_found',
        /has no model gpt-4\.1: set MODEL_ID/,
      ],
      [
        'context_length_exceeded',
        httpError(
          400,
          "This model's maximum context length is 128000 tokens.",
          'invalid_request_error',
          'context_length_exceeded',
        ),
        'context_too_long',
        /too long/,
      ],
      [
        'a vLLM context error',
        httpError(
          400,
          "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens",
          'BadRequestError',
        ),
        'context_too_long',
        /too long/,
      ],
      [
        'a bad request',
        httpError(400, "Invalid value for 'tools'", 'invalid_request_error'),
        'invalid',
        /rejected/,
      ],
      [
        'throttling',
        httpError(429, 'Rate limit reached', 'requests', 'rate_limit_exceeded', { 'retry-after': '3' }),
        'throttled',
        /rate-limiting/,
      ],
      [
        'an empty quota',
        httpError(429, 'You exceeded your current quota', 'insufficient_quota', 'insufficient_quota'),
        'access',
        /quota/,
      ],
      ['a 503', httpError(503, 'overloaded', 'server_error'), 'unavailable', /overloaded/],
    ],
    throttled: [httpError(429, 'slow', 'requests', 'rate_limit_exceeded', { 'retry-after': '3' }), 3],
    downHint: /is the server running\? \(check MODEL_BASE_URL\)/,
    // A loopback server is sent a placeholder: a remote one without a key is refused.
    keyless: { baseUrl: 'https://api.example.invalid/v1', says: /api\.example\.invalid/ },
  });

  it('sends the system with its note, messages, tools in order, streaming usage and max tokens', async () => {
    fake.enqueue(textTurn(['ok']));
    await collect(suite.model, request({ systemNote: 'The docs server did not answer.' }));
    const body = fake.requests[0]!.body;
    assert.equal(fake.requests[0]!.path, '/v1/chat/completions');
    assert.equal(body.model, 'gpt-4.1');
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'You are the cloud engineer.\n\nThe docs server did not answer.' },
      { role: 'user', content: 'list my buckets' },
    ]);
    assert.deepEqual(
      body.tools.map((t: any) => [t.type, t.function.name]),
      [
        ['function', 'aws_read'],
        ['function', 'aws_write'],
      ],
    );
    assert.deepEqual(body.tools[0].function.parameters, { type: 'object', properties: {} });
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    // A custom base URL (Ollama, vLLM): max_tokens, which those servers understand.
    assert.equal(body.max_tokens, 1024);
    assert.equal(body.max_completion_tokens, undefined);
    assert.ok(!fake.requests[0]!.rawBody.includes('cache_control'));
  });

  it('uses max_completion_tokens for api.openai.com', () => {
    const body = toOpenAI('gpt-4.1', request(), true);
    assert.equal(body.max_completion_tokens, 1024);
    assert.equal((body as any).max_tokens, undefined);
  });

  it('converts tool calls to assistant tool_calls and results to tool messages, dropping reasoning', async () => {
    fake.enqueue(textTurn(['done']));
    await collect(
      suite.model,
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'go' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'thinking', signature: 'sig' },
              { type: 'text', text: 'Looking.' },
              { type: 'toolUse', toolUseId: 'call_1', name: 'aws_read', input: { service: 's3' } },
              { type: 'toolUse', toolUseId: 'call_2', name: 'aws_read', input: { service: 'ec2' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'toolResult', toolUseId: 'call_1', status: 'success', text: '3 buckets' },
              { type: 'toolResult', toolUseId: 'call_2', status: 'error', text: 'denied' },
              { type: 'text', text: 'and?' },
            ],
          },
        ],
      }),
    );
    const messages = fake.requests[0]!.body.messages;
    assert.deepEqual(messages.slice(2), [
      {
        role: 'assistant',
        content: 'Looking.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'aws_read', arguments: '{"service":"s3"}' } },
          { id: 'call_2', type: 'function', function: { name: 'aws_read', arguments: '{"service":"ec2"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '3 buckets' },
      { role: 'tool', tool_call_id: 'call_2', content: 'Error: denied' },
      { role: 'user', content: 'and?' },
    ]);
    assert.ok(!fake.requests[0]!.rawBody.includes('thinking'));
  });

  it('assembles two parallel calls from interleaved one-character pieces, split inside an escape and a surrogate pair', async () => {
    const first = '{"q":"caf\\u00e9 😀 \\"x\\""}';
    const second = '{"n":42,"list":[1,2]}';
    const chars = [...first.split('')]; // UTF-16 units: the emoji's surrogates land in two pieces
    fake.enqueue(
      toolTurn(
        [
          { id: 'call_a', name: 'aws_read', arguments: first, pieces: chars },
          { id: 'call_b', name: 'aws_write', arguments: second, pieces: second.split('') },
        ],
        { interleave: true },
      ),
    );
    const events = await collect(suite.model);
    assert.deepEqual(events, [
      { type: 'toolUse', toolUseId: 'call_a', name: 'aws_read', input: first },
      { type: 'toolUse', toolUseId: 'call_b', name: 'aws_write', input: second },
      { type: 'stop', reason: 'tool_use' },
      { type: 'usage', usage: { inputTokens: 20, outputTokens: 8 } },
    ]);
    assert.deepEqual(JSON.parse(first), { q: 'café 😀 "x"' });
  });

  it('reads a chunk line split on the wire inside a multi-byte character', async () => {
    const line = Buffer.from(
      `data: ${JSON.stringify({
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [{ index: 0, delta: { content: 'snow ☃ man' }, finish_reason: null }],
      })}\n\n`,
    );
    const cut = line.indexOf(Buffer.from('☃')) + 2;
    fake.enqueue({
      steps: [
        { kind: 'raw', bytes: line.subarray(0, cut) },
        delay(10),
        { kind: 'raw', bytes: line.subarray(cut) },
        chunk({}, 'stop'),
        done,
      ],
    });
    const events = await collect(suite.model);
    assert.deepEqual(events, [
      { type: 'text', text: 'snow ☃ man' },
      { type: 'stop', reason: 'end_turn' },
    ]);
  });

  it('takes a tool call a server sends whole, without an id, finishing with "stop"', async () => {
    fake.enqueue({
      steps: [
        chunk({
          role: 'assistant',
          content: '',
          tool_calls: [{ type: 'function', function: { name: 'aws_read', arguments: '{"a":1}' } }],
        }),
        chunk({}, 'stop'),
        done,
      ],
    });
    const events = await collect(suite.model);
    assert.equal(events[0]!.type, 'toolUse');
    const call = events[0] as Extract<ModelEvent, { type: 'toolUse' }>;
    assert.equal(call.name, 'aws_read');
    assert.equal(call.input, '{"a":1}');
    assert.match(call.toolUseId, /^call_[0-9a-f-]{36}$/);
    assert.deepEqual(events[1], { type: 'stop', reason: 'tool_use' });
  });

  it('streams reasoning_content as reasoning, apart from the answer', async () => {
    fake.enqueue({
      steps: [
        chunk({ reasoning_content: 'let me think' }),
        chunk({ content: 'answer' }),
        chunk({}, 'length'),
        done,
      ],
    });
    assert.deepEqual(await collect(suite.model), [
      { type: 'reasoning', text: 'let me think' },
      { type: 'text', text: 'answer' },
      { type: 'stop', reason: 'max_tokens' },
    ]);
  });

  it('reports cached tokens inside inputTokens, as prompt_tokens already counts them', async () => {
    fake.enqueue(textTurn(['hi'], { prompt: 2000, completion: 5, cached: 1536 }));
    const events = await collect(suite.model);
    assert.deepEqual(events.at(-1), {
      type: 'usage',
      usage: { inputTokens: 2000, outputTokens: 5, cacheReadTokens: 1536 },
    });
  });

  it('ends without stop when the stream ends before a finish', async () => {
    fake.enqueue({ steps: [chunk({ content: 'half' }), usageChunk(1, 1), done] });
    assert.deepEqual(await collect(suite.model), [{ type: 'text', text: 'half' }]);
  });

  it('sends a placeholder, never a real key, to a loopback server with no key', async () => {
    fake.enqueue(textTurn(['local']));
    const local = make(fixedKey(undefined), `${fake.url}/v1`, 'llama3.2');
    await collect(local);
    assert.equal(fake.requests[0]!.headers.authorization, `Bearer ${LOCAL_PLACEHOLDER_KEY}`);
  });

  it("keeps a local server's error words: its placeholder key is no secret to scrub", async () => {
    fake.enqueue(httpError(400, 'no tools for a-local-server model', 'invalid_request_error'));
    const local = make(fixedKey(undefined), `${fake.url}/v1`, 'llama3.2');
    const error = await failure(collect(local));
    assert.match(error.message, /no tools for a-local-server model/);
    assert.doesNotMatch(error.message, /\[key\]/);
  });

  it('says to start Ollama when nothing answers at its port', async () => {
    const ollama = make(fixedKey(undefined), 'http://127.0.0.1:11434/v1', 'llama3.2');
    const error = await failure(collect(ollama));
    assert.equal(error.kind, 'unavailable');
    assert.equal(
      error.message,
      'Nothing answered at http://127.0.0.1:11434/v1: is Ollama running? (`ollama serve`)',
    );
  });

  it('lists models from /v1/models', async () => {
    fake.models = ['llama3.2:latest', 'qwen2.5-coder:7b'];
    const models = await make(fixedKey(undefined), `${fake.url}/v1`, 'x').listModels!(
      new AbortController().signal,
    );
    assert.deepEqual(models, [{ id: 'llama3.2:latest' }, { id: 'qwen2.5-coder:7b' }]);
    assert.equal(fake.requests[0]!.path, '/v1/models');
  });
});
