/**
 * Local mode with another provider: a chat turn through LocalConnection (the core in-process, the
 * provider's official SDK on the wire) against the Anthropic fake with a key from the secret
 * store, and against the OpenAI-compatible fake on loopback (Ollama) with none. No AWS credentials.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamEvent } from '../../backend/src/protocol';
import { LocalConnection } from '../../extension/connection/local-connection';
import { AnthropicFake, textTurn as anthropicTurn } from '../fakes/anthropic';
import { OpenAIFake, textTurn as openaiTurn } from '../fakes/openai';

const KEY = 'sk-ant-integration-secret-0123456789';
const noAws = async () => {
  throw Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' });
};

async function text(stream: AsyncIterable<StreamEvent>): Promise<string> {
  let out = '';
  for await (const e of stream) {
    if (e.type === 'text') out += e.text;
    if (e.type === 'error') throw new Error(`${e.code}: ${e.message}`);
  }
  return out;
}

describe('local mode with other providers', function () {
  let anthropic: AnthropicFake;
  let openai: OpenAIFake;
  before(async () => {
    [anthropic, openai] = await Promise.all([new AnthropicFake().start(), new OpenAIFake().start()]);
  });
  after(() => Promise.all([anthropic.stop(), openai.stop()]));

  it('answers through Anthropic with the key from the secret store, in its header only', async () => {
    const lines: string[] = [];
    const connection = new LocalConnection({
      storageDir: mkdtempSync(join(tmpdir(), 'ce-anthropic-')),
      provider: 'anthropic',
      baseUrl: anthropic.url,
      apiKey: async () => KEY,
      credentials: noAws,
      log: (line) => lines.push(line),
    });
    assert.equal(await connection.preflight(), undefined);
    anthropic.enqueue(anthropicTurn(['Hello ', 'from ', 'Claude.']));
    const answer = await text(connection.chat({ message: 'hi' }, new AbortController().signal));
    assert.equal(answer, 'Hello from Claude.');
    const request = anthropic.requests.find((r) => r.path.startsWith('/v1/messages'))!;
    assert.equal(request.body.model, 'claude-sonnet-4-5', 'the provider’s default model');
    const headers = Object.entries(request.headers).filter(([, v]) => String(v).includes(KEY));
    assert.equal(headers.length, 1, 'the key rides in one header');
    assert.ok(!request.rawBody.includes(KEY) && !request.path.includes(KEY));
    assert.ok(!lines.join('\n').includes(KEY));
    // The conversation is kept like Bedrock's.
    const { sessions } = await connection.invoke({ action: 'listSessions' });
    assert.equal(sessions.length, 1);
  });

  it('answers through an OpenAI-compatible server on loopback (Ollama) without a key', async () => {
    openai.models = ['qwen2.5-coder:14b'];
    const connection = new LocalConnection({
      storageDir: mkdtempSync(join(tmpdir(), 'ce-ollama-')),
      provider: 'openai',
      baseUrl: `${openai.url}/v1`,
      modelId: 'qwen2.5-coder:14b',
      apiKey: async () => undefined,
      credentials: noAws,
    });
    assert.equal(await connection.preflight(), undefined);
    openai.enqueue(openaiTurn(['Local ', 'llama ', 'says hi.']));
    const answer = await text(connection.chat({ message: 'hi' }, new AbortController().signal));
    assert.equal(answer, 'Local llama says hi.');
    const request = openai.requests.find((r) => r.path === '/v1/chat/completions')!;
    assert.equal(request.body.model, 'qwen2.5-coder:14b');
    assert.ok(
      !String(request.headers.authorization ?? '').includes('sk-'),
      'no real key goes to a local server',
    );
  });
});
