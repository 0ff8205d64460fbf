import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { ModelError } from '../../../../backend/src/core/model/errors';
import { createGeminiModel } from '../../../../backend/src/core/model/gemini';
import { fixedKey, type ApiKeySource } from '../../../../backend/src/core/model/options';
import type { Model, ModelEvent, ModelRequest } from '../../../../backend/src/core/model/types';
import { delay, GeminiFake, gate, httpError, response, textTurn, toolTurn } from '../../../fakes/gemini';

const KEY = 'AIzaSyTestKey0123456789abcdefghijklmno';

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

describe('Gemini adapter (wire fake, real SDK)', () => {
  const fake = new GeminiFake();
  let model: Model;
  const make = (apiKey: ApiKeySource = fixedKey(KEY), baseUrl = fake.url) =>
    createGeminiModel({ modelId: 'gemini-2.5-flash', baseUrl, apiKey, region: '' });
  before(() => fake.start());
  after(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    model = make();
  });

  it('yields each text delta before the server sends the next one', async () => {
    const g = gate();
    fake.enqueue(textTurn(['Hel', g.step, 'lo'], { prompt: 12, candidates: 2 }));
    const it = model.stream(request(), new AbortController().signal)[Symbol.asyncIterator]();
    assert.deepEqual((await it.next()).value, { type: 'text', text: 'Hel' });
    assert.equal(fake.requests[0]!.finished, false);
    g.open();
    const rest: ModelEvent[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
    assert.deepEqual(rest, [
      { type: 'text', text: 'lo' },
      { type: 'stop', reason: 'end_turn' },
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 2 } },
    ]);
  });

  it('posts to streamGenerateContent with system instruction, note after it, and tools in order', async () => {
    fake.enqueue(textTurn(['ok']));
    await collect(model, request({ systemNote: 'The docs server did not answer.' }));
    const r = fake.requests[0]!;
    assert.equal(r.path, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    assert.deepEqual(r.body.systemInstruction.parts, [
      { text: 'You are the cloud engineer.' },
      { text: 'The docs server did not answer.' },
    ]);
    assert.deepEqual(r.body.contents, [{ role: 'user', parts: [{ text: 'list my buckets' }] }]);
    assert.deepEqual(
      r.body.tools[0].functionDeclarations.map((d: any) => d.name),
      ['aws_read', 'aws_write'],
    );
    assert.deepEqual(r.body.tools[0].functionDeclarations[0].parametersJsonSchema, {
      type: 'object',
      properties: {},
    });
    assert.equal(r.body.generationConfig.maxOutputTokens, 1024);
    assert.ok(!r.rawBody.includes('cache_control') && !r.rawBody.includes('cachedContent'));
  });

  it('sends the key in x-goog-api-key only, never as ?key= or in the body', async () => {
    fake.enqueue(textTurn(['ok']));
    await collect(model);
    const r = fake.requests[0]!;
    assert.equal(r.headers['x-goog-api-key'], KEY);
    assert.ok(!r.path.includes('key='));
    assert.ok(!r.path.includes(KEY) && !r.rawBody.includes(KEY));
    assert.equal(r.headers.authorization, undefined);
    const others = Object.entries(r.headers).filter(([name]) => name !== 'x-goog-api-key');
    assert.ok(!JSON.stringify(others).includes(KEY));
  });

  it('converts calls to functionCall and results to functionResponse, with the thought signature on the call', async () => {
    fake.enqueue(textTurn(['done']));
    await collect(
      model,
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'go' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'thinking it over', signature: 'c2lnLTE=' },
              { type: 'toolUse', toolUseId: 'fc-1', name: 'aws_read', input: { service: 's3' } },
              { type: 'toolUse', toolUseId: 'gemini-call-made-up', name: 'aws_write', input: { stack: 'x' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'toolResult', toolUseId: 'fc-1', status: 'success', text: '3 buckets' },
              { type: 'toolResult', toolUseId: 'gemini-call-made-up', status: 'error', text: 'denied' },
            ],
          },
        ],
      }),
    );
    const [, model_, results] = fake.requests[0]!.body.contents;
    assert.deepEqual(model_, {
      role: 'model',
      parts: [
        {
          functionCall: { id: 'fc-1', name: 'aws_read', args: { service: 's3' } },
          thoughtSignature: 'c2lnLTE=',
        },
        { functionCall: { name: 'aws_write', args: { stack: 'x' } } },
      ],
    });
    assert.deepEqual(results, {
      role: 'user',
      parts: [
        { functionResponse: { id: 'fc-1', name: 'aws_read', response: { output: '3 buckets' } } },
        { functionResponse: { name: 'aws_write', response: { error: 'denied' } } },
      ],
    });
    assert.ok(!fake.requests[0]!.rawBody.includes('thinking it over'));
  });

  it('yields parallel function calls whole, with ids, signature, thoughts and stop tool_use', async () => {
    fake.enqueue({
      steps: [
        response([{ text: 'planning', thought: true }]),
        ...toolTurn(
          [
            { id: 'fc-a', name: 'aws_read', args: { q: 'héllo ☃ 😀' }, thoughtSignature: 'sig-a' },
            { name: 'aws_write', args: {} },
          ],
          'Checking.',
        ).steps,
      ],
    });
    const events = await collect(model);
    assert.deepEqual(events.slice(0, 4), [
      { type: 'reasoning', text: 'planning' },
      { type: 'text', text: 'Checking.' },
      { type: 'reasoning', text: '', signature: 'sig-a' },
      { type: 'toolUse', toolUseId: 'fc-a', name: 'aws_read', input: '{"q":"héllo ☃ 😀"}' },
    ]);
    const second = events[4] as Extract<ModelEvent, { type: 'toolUse' }>;
    assert.equal(second.name, 'aws_write');
    assert.equal(second.input, '{}');
    assert.match(second.toolUseId, /^gemini-call-/);
    assert.deepEqual(events[5], { type: 'stop', reason: 'tool_use' });
  });

  it('reads a response line split on the wire inside a multi-byte character', async () => {
    const line = Buffer.from(
      `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'snow ☃ man' }] } }] })}\r\n\r\n`,
    );
    const cut = line.indexOf(Buffer.from('☃')) + 1;
    fake.enqueue({
      steps: [
        { kind: 'raw', bytes: line.subarray(0, cut) },
        delay(10),
        { kind: 'raw', bytes: line.subarray(cut) },
        response([], { finishReason: 'STOP' }),
      ],
    });
    assert.deepEqual(await collect(model), [
      { type: 'text', text: 'snow ☃ man' },
      { type: 'stop', reason: 'end_turn' },
    ]);
  });

  it('reports usage: promptTokenCount with the cached ones, thoughts as output', async () => {
    fake.enqueue(textTurn(['hi'], { prompt: 5000, candidates: 7, cached: 4096, thoughts: 30 }));
    const events = await collect(model);
    assert.deepEqual(events.at(-1), {
      type: 'usage',
      usage: { inputTokens: 5000, outputTokens: 37, cacheReadTokens: 4096 },
    });
  });

  it('maps MAX_TOKENS and SAFETY finishes', async () => {
    fake.enqueue(textTurn(['a'], {}, 'MAX_TOKENS'), textTurn(['b'], {}, 'SAFETY'));
    assert.deepEqual((await collect(model)).at(-2), { type: 'stop', reason: 'max_tokens' });
    assert.deepEqual((await collect(model)).at(-2), { type: 'stop', reason: 'content_filtered' });
  });

  describe('errors', () => {
    const cases: [string, ReturnType<typeof httpError>, string, RegExp][] = [
      [
        'an invalid key (400 API_KEY_INVALID)',
        httpError(400, 'INVALID_ARGUMENT', `API key not valid. Please pass a valid API key. ${KEY}`, [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
          },
        ]),
        'auth',
        /refused the key: set a valid key with Cloud Engineer: Set Model API Key…/,
      ],
      [
        'a 401',
        httpError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'),
        'auth',
        /refused the key/,
      ],
      [
        'a permission refusal',
        httpError(403, 'PERMISSION_DENIED', 'The caller does not have permission'),
        'access',
        /gemini-2\.5-flash/,
      ],
      [
        'an unknown model',
        httpError(404, 'NOT_FOUND', 'models/gemini-nope is not found'),
        'not_found',
        /has no model gemini-2\.5-flash: set MODEL_ID/,
      ],
      [
        'a prompt over the window',
        httpError(
          400,
          'INVALID_ARGUMENT',
          'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
        ),
        'context_too_long',
        /too long/,
      ],
      [
        'a bad request',
        httpError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'),
        'invalid',
        /rejected/,
      ],
      [
        'exhausted quota',
        httpError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', [
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '31s' },
        ]),
        'throttled',
        /rate-limiting/,
      ],
      [
        'an overload',
        httpError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'),
        'unavailable',
        /overloaded/,
      ],
    ];
    for (const [what, script, kind, message] of cases) {
      it(`maps ${what} to '${kind}', naming Gemini, without the key`, async () => {
        fake.enqueue(script, script);
        const error = await failure(collect(model));
        assert.equal(error.kind, kind);
        assert.equal(error.provider, 'gemini');
        assert.match(error.message, /Gemini/);
        assert.match(error.message, message);
        assert.ok(!error.message.includes(KEY) && !error.message.includes('AIza'));
      });
    }

    it('takes retryAfterSeconds from RetryInfo, in one request', async () => {
      fake.enqueue(
        httpError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', [
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '31s' },
        ]),
      );
      const error = await failure(collect(model));
      assert.equal(error.retryAfterSeconds, 31);
      assert.equal(fake.requests.length, 1, 'the SDK itself does not retry');
    });

    it('scrubs a key the server echoes in a permission message', async () => {
      fake.enqueue(httpError(403, 'PERMISSION_DENIED', `Key ${KEY} is not allowed this model`));
      const error = await failure(collect(model));
      assert.ok(!error.message.includes(KEY));
    });

    it("maps an error chunk mid-stream to 'unavailable' after the text that came", async () => {
      fake.enqueue({
        steps: [
          response([{ text: 'par' }]),
          { kind: 'response', data: { error: { code: 500, message: 'Internal', status: 'INTERNAL' } } },
        ],
      });
      const events: ModelEvent[] = [];
      const error = await failure(
        (async () => {
          for await (const e of model.stream(request(), new AbortController().signal)) events.push(e);
        })(),
      );
      assert.deepEqual(events, [{ type: 'text', text: 'par' }]);
      assert.equal(error.kind, 'unavailable');
    });

    it("maps a connection cut mid-stream to 'unavailable'", async () => {
      fake.enqueue({ steps: [response([{ text: 'par' }]), delay(20), { kind: 'cut' }] });
      const error = await failure(collect(model));
      assert.equal(error.kind, 'unavailable');
      assert.match(error.message, /broke off/);
    });

    it('names the base URL when nothing answers', async () => {
      const port = await freePort();
      const error = await failure(collect(make(fixedKey(KEY), `http://127.0.0.1:${port}`)));
      assert.equal(error.kind, 'unavailable');
      assert.match(error.message, new RegExp(`Nothing answered at http://127\\.0\\.0\\.1:${port}`));
    });

    it('refuses to call without a key', async () => {
      const error = await failure(collect(make(fixedKey(undefined))));
      assert.equal(error.kind, 'auth');
      assert.equal(fake.requests.length, 0);
    });
  });

  it('reads the key again once after a refusal and retries with the rotated key', async () => {
    let refreshes = 0;
    const source: ApiKeySource = {
      get: async () => 'AIzaOldKey000000000000',
      refresh: async () => (refreshes++, 'AIzaNewKey111111111111'),
    };
    fake.enqueue(
      httpError(400, 'INVALID_ARGUMENT', 'API key not valid.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
      ]),
      textTurn(['ok']),
    );
    const events = await collect(make(source));
    assert.deepEqual(events[0], { type: 'text', text: 'ok' });
    assert.equal(refreshes, 1);
    assert.deepEqual(
      fake.requests.map((r) => r.headers['x-goog-api-key']),
      ['AIzaOldKey000000000000', 'AIzaNewKey111111111111'],
    );
  });

  it('aborts the HTTP request when the signal fires, and yields nothing more', async () => {
    fake.enqueue({ steps: [response([{ text: 'first' }]), { kind: 'hang' }] });
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

  it('lists the models that generate content, across pages, ids without models/', async () => {
    const models = await model.listModels!(new AbortController().signal);
    assert.deepEqual(models, [
      { id: 'gemini-2.5-flash', name: 'Gemini 2.5 Flash' },
      { id: 'gemini-2.5-pro', name: 'Gemini 2.5 Pro' },
    ]);
    assert.ok(fake.requests.length >= 2, 'followed nextPageToken');
    for (const r of fake.requests) {
      assert.equal(r.headers['x-goog-api-key'], KEY);
      assert.ok(!r.path.includes('key='));
    }
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
