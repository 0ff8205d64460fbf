import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  baseUrlProblem,
  displayText,
  keyProblem,
  needsKey,
  secretName,
  usableModelId,
} from '../../../../extension/model/catalog';
import { listModels, MAX_LISTED } from '../../../../extension/model/list-models';
import { AnthropicFake } from '../../../fakes/anthropic';
import { GeminiFake } from '../../../fakes/gemini';
import { OpenAIFake } from '../../../fakes/openai';

const KEY = 'sk-ant-list-models-secret-0123456789';

describe('model catalog', () => {
  it('names a key per provider and knows who needs one', () => {
    assert.equal(secretName('anthropic'), 'cloudEngineer.model.apiKey.anthropic');
    assert.equal(needsKey('bedrock', ''), false);
    assert.equal(needsKey('anthropic', ''), true);
    assert.equal(needsKey('openai', ''), true);
    assert.equal(needsKey('openai', 'http://localhost:11434/v1'), false);
    assert.equal(needsKey('openai', 'https://llm.example.com/v1'), true);
    assert.equal(needsKey('gemini', ''), true);
  });

  it('refuses a base URL that would send the key in the clear', () => {
    assert.equal(baseUrlProblem(''), undefined);
    assert.equal(baseUrlProblem('https://llm.example.com/v1'), undefined);
    assert.equal(baseUrlProblem('http://127.0.0.1:11434/v1'), undefined);
    assert.equal(baseUrlProblem('http://[::1]:8000/v1'), undefined);
    assert.match(baseUrlProblem('http://llm.example.com/v1')!, /must be https/);
    assert.match(baseUrlProblem('http://localhost.evil.example/v1')!, /must be https/);
    assert.match(baseUrlProblem('https://user:pw@llm.example.com')!, /user name or password/);
    assert.match(baseUrlProblem('not a url')!, /not a URL/);
  });

  it('refuses keys with line breaks or control characters, without repeating them', () => {
    assert.equal(keyProblem('sk-ant-api03-abc'), undefined);
    for (const bad of ['sk-ant\r\nX-Evil: 1', 'sk ant', 'sk-\u0000x', 'x'.repeat(2000), 'sk-ünïcode']) {
      const problem = keyProblem(bad);
      assert.ok(problem, JSON.stringify(bad));
      assert.ok(!problem.includes(bad.slice(0, 6)) || bad.startsWith('x'), problem);
    }
  });

  it('keeps listed ids usable and display text inert', () => {
    assert.equal(usableModelId(' qwen2.5-coder:14b '), 'qwen2.5-coder:14b');
    assert.equal(usableModelId('evil\u0007id'), undefined);
    assert.equal(usableModelId('a\r\nb'), undefined);
    assert.equal(usableModelId('\u202egpt'), undefined);
    assert.equal(usableModelId(42), undefined);
    assert.equal(displayText('Nice\u202e name\u0000 $(alert)'), 'Nice name $ (alert)');
    assert.equal(displayText('x'.repeat(200)).length, 80);
  });
});

describe('listing models against the providers’ wire fakes', () => {
  let anthropic: AnthropicFake;
  let openai: OpenAIFake;
  let gemini: GeminiFake;
  before(async () => {
    [anthropic, openai, gemini] = await Promise.all([
      new AnthropicFake().start(),
      new OpenAIFake().start(),
      new GeminiFake().start(),
    ]);
  });
  after(() => Promise.all([anthropic.stop(), openai.stop(), gemini.stop()]));
  beforeEach(() => [anthropic, openai, gemini].forEach((f) => f.reset()));

  it('lists Anthropic’s models with the key in its header only', async () => {
    const list = await listModels({ provider: 'anthropic', baseUrl: anthropic.url, apiKey: KEY });
    assert.equal(list.source, 'provider');
    assert.deepEqual(
      list.models.map((m) => [m.id, m.name]),
      [
        ['claude-haiku-4-5', 'Claude Haiku 4.5'],
        ['claude-sonnet-4-5', 'Claude Sonnet 4.5'],
      ],
    );
    const request = anthropic.requests[0]!;
    assert.match(request.path, /^\/v1\/models/);
    assert.ok(JSON.stringify(request.headers).includes(KEY));
    assert.ok(!request.path.includes(KEY));
  });

  it('lists an OpenAI-compatible loopback server’s models without a key (Ollama)', async () => {
    openai.models = ['qwen2.5-coder:14b', 'llama3.1:8b'];
    const list = await listModels({ provider: 'openai', baseUrl: `${openai.url}/v1` });
    assert.equal(list.source, 'provider');
    assert.deepEqual(
      list.models.map((m) => m.id),
      ['llama3.1:8b', 'qwen2.5-coder:14b'],
    );
  });

  it('lists Gemini’s generateContent models', async () => {
    const list = await listModels({
      provider: 'gemini',
      baseUrl: gemini.url,
      apiKey: 'AIzaFakeGeminiKey0123456789',
    });
    assert.equal(list.source, 'provider');
    assert.ok(list.models.some((m) => m.id === 'gemini-2.5-flash'));
    assert.ok(!list.models.some((m) => m.id === 'text-embedding-004'));
  });

  it('falls back to the built-in list without a key, for Bedrock, and for a clear-text remote URL', async () => {
    const noKey = await listModels({ provider: 'anthropic', baseUrl: anthropic.url });
    assert.equal(noKey.source, 'builtIn');
    assert.match(noKey.problem!, /Set Model API Key/);
    assert.ok(noKey.models.some((m) => m.id === 'claude-sonnet-4-5'));
    assert.equal(anthropic.requests.length, 0);
    const bedrock = await listModels({ provider: 'bedrock', baseUrl: '' });
    assert.equal(bedrock.source, 'builtIn');
    assert.ok(bedrock.models.length > 0);
    const remote = await listModels({
      provider: 'openai',
      baseUrl: 'http://llm.example.com/v1',
      apiKey: KEY,
    });
    assert.equal(remote.source, 'builtIn');
    assert.match(remote.problem!, /must be https/);
  });

  it('drops ids with control characters and caps a huge list', async () => {
    openai.models = ['good-model', 'evil\u0007bell', 'line\r\nbreak', '\u202eright-to-left'];
    const dirty = await listModels({ provider: 'openai', baseUrl: `${openai.url}/v1` });
    assert.deepEqual(
      dirty.models.map((m) => m.id),
      ['good-model'],
    );
    assert.equal(dirty.skipped, 3);
    openai.models = Array.from({ length: 20_000 }, (_, i) => `model-${i}`);
    const huge = await listModels({ provider: 'openai', baseUrl: `${openai.url}/v1` });
    assert.equal(huge.models.length, MAX_LISTED);
    assert.equal(huge.truncated, true);
  });

  it('times out, and never shows the key when the provider refuses or echoes it', async () => {
    const servers: Server[] = [];
    const serve = async (handler: Parameters<typeof createServer>[1]) => {
      const server = createServer(handler);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    try {
      const silent = await serve(() => {});
      const started = Date.now();
      const slow = await listModels({ provider: 'anthropic', baseUrl: silent, apiKey: KEY, timeoutMs: 300 });
      assert.ok(Date.now() - started < 3000);
      assert.equal(slow.source, 'builtIn');
      assert.match(slow.problem!, /did not answer within/);
      const echo = await serve((req, res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            type: 'error',
            error: {
              type: 'authentication_error',
              message: `invalid x-api-key ${String(req.headers['x-api-key'] ?? req.headers.authorization)}`,
            },
          }),
        );
      });
      const refused = await listModels({ provider: 'anthropic', baseUrl: echo, apiKey: KEY });
      assert.equal(refused.source, 'builtIn');
      assert.ok(refused.problem);
      assert.ok(!refused.problem.includes(KEY), refused.problem);
      assert.ok(!refused.problem.includes(KEY.slice(8)), refused.problem);
    } finally {
      servers.forEach((s) => (s.closeAllConnections(), s.close()));
    }
  });
});
