import assert from 'node:assert/strict';
import { createModel } from '../../../../backend/src/core/model/adapters/gemini';
import type { ModelEvent } from '../../../../backend/src/core/model/types';
import { delay, GeminiFake, httpError, response, textTurn, toolTurn } from '../../../fakes/gemini';
import { collect, providerSuite, request } from './provider-suite';

const KEY = 'AIzaSyTestKey0123456789abcdefghijklmno';
const INVALID_KEY = [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }];
const RETRY_IN_31S = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '31s' }];

describe('Gemini adapter (wire fake, real SDK)', () => {
  const fake = new GeminiFake();
  const suite = providerSuite({
    provider: 'gemini',
    name: 'Gemini',
    names: /Gemini/,
    fake,
    key: KEY,
    keyMarks: ['AIza'],
    make: (apiKey, baseUrl = fake.url) =>
      createModel({ modelId: 'gemini-2.5-flash', baseUrl, apiKey, region: '' }),
    baseUrlAt: (origin) => origin,
    keyHeader: 'x-goog-api-key',
    sentAs: (key) => key,
    scripts: {
      text: (pieces) => textTurn(pieces, { prompt: 12, candidates: 2 }),
      cutAfter: (text) => ({ steps: [response([{ text }]), delay(20), { kind: 'cut' }] }),
      hangAfter: (text) => ({ steps: [response([{ text }]), { kind: 'hang' }] }),
      errorAfter: (text) => ({
        steps: [
          response([{ text }]),
          { kind: 'response', data: { error: { code: 500, message: 'Internal', status: 'INTERNAL' } } },
        ],
      }),
      // Gemini answers a bad key with 400 API_KEY_INVALID.
      refused: (said) => httpError(400, 'INVALID_ARGUMENT', said, INVALID_KEY),
      forbidden: (said) => httpError(403, 'PERMISSION_DENIED', said),
    },
    errors: [
      [
        'an invalid key (400 API_KEY_INVALID)',
        httpError(400, 'INVALID_ARGUMENT', `API key not valid. Please pass a valid API key. ${KEY}`, [
          { ...INVALID_KEY[0], domain: 'googleapis.com' },
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
        httpError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', RETRY_IN_31S),
        'throttled',
        /rate-limiting/,
      ],
      [
        'an overload',
        httpError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'),
        'unavailable',
        /overloaded/,
      ],
    ],
    // RetryInfo's retryDelay.
    throttled: [httpError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', RETRY_IN_31S), 31],
    downHint: /check MODEL_BASE_URL and the network\./,
  });

  it('posts to streamGenerateContent with system instruction, note after it, and tools in order', async () => {
    fake.enqueue(textTurn(['ok']));
    await collect(suite.model, request({ systemNote: 'The docs server did not answer.' }));
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

  it('converts calls to functionCall and results to functionResponse, with the thought signature on the call', async () => {
    fake.enqueue(textTurn(['done']));
    await collect(
      suite.model,
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
    const events = await collect(suite.model);
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
    assert.deepEqual(await collect(suite.model), [
      { type: 'text', text: 'snow ☃ man' },
      { type: 'stop', reason: 'end_turn' },
    ]);
  });

  it('reports usage: promptTokenCount with the cached ones, thoughts as output', async () => {
    fake.enqueue(textTurn(['hi'], { prompt: 5000, candidates: 7, cached: 4096, thoughts: 30 }));
    const events = await collect(suite.model);
    assert.deepEqual(events.at(-1), {
      type: 'usage',
      usage: { inputTokens: 5000, outputTokens: 37, cacheReadTokens: 4096 },
    });
  });

  it('maps MAX_TOKENS and SAFETY finishes', async () => {
    fake.enqueue(textTurn(['a'], {}, 'MAX_TOKENS'), textTurn(['b'], {}, 'SAFETY'));
    assert.deepEqual((await collect(suite.model)).at(-2), { type: 'stop', reason: 'max_tokens' });
    assert.deepEqual((await collect(suite.model)).at(-2), { type: 'stop', reason: 'content_filtered' });
  });

  it('lists the models that generate content, across pages, ids without models/', async () => {
    const models = await suite.model.listModels!(new AbortController().signal);
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
