import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { createConnection } from '../../../../extension/connection/factory';
import {
  LocalConnection,
  type LocalConnectionOptions,
} from '../../../../extension/connection/local-connection';
import { testSettings } from '../../../fixtures/settings';
import { OpenAIFake } from '../../../fakes/openai';
import { freePort } from '../../../support/process';

const KEY = 'sk-ant-unit-secret-key-0123456789';
const noCredentials = async () => {
  throw Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' });
};

function local(over: Partial<LocalConnectionOptions>, lines: string[] = []) {
  return new LocalConnection({
    storageDir: tmpdir(),
    credentials: noCredentials,
    log: (line) => lines.push(line),
    ...over,
  });
}

describe('local mode with any provider', () => {
  it('passes the provider, the base URL and the key from the secret store (not the settings)', async () => {
    const asked: string[] = [];
    const connection = createConnection(
      testSettings({
        modelProvider: 'anthropic',
        modelBaseUrl: 'https://proxy.example.com',
        modelId: 'claude-x',
      }),
      {
        storageDir: tmpdir(),
        token: async () => undefined,
        modelApiKey: async (provider) => (asked.push(provider), KEY),
      },
    ) as LocalConnection;
    const options = (connection as unknown as { options: LocalConnectionOptions }).options;
    assert.equal(options.provider, 'anthropic');
    assert.equal(options.baseUrl, 'https://proxy.example.com');
    assert.equal(options.modelId, 'claude-x');
    assert.equal(await options.apiKey!(), KEY);
    assert.deepEqual(asked, ['anthropic']);
    assert.ok(!JSON.stringify(testSettings()).includes('apiKey'));
  });

  it('Bedrock keeps today’s credential check', async () => {
    const problem = await local({ provider: 'bedrock' }).preflight();
    assert.equal(problem?.code, 'aws_credentials');
  });

  it('asks for a key for Anthropic, Gemini and remote OpenAI, and needs no AWS credentials', async () => {
    for (const [provider, baseUrl] of [
      ['anthropic', ''],
      ['gemini', ''],
      ['openai', ''],
      ['openai', 'https://llm.example.com/v1'],
    ] as const) {
      const missing = await local({ provider, baseUrl, apiKey: async () => undefined }).preflight();
      assert.equal(missing?.code, 'model_auth', provider);
      assert.match(missing!.message, /Set Model API Key…/);
      assert.equal(
        await local({ provider, baseUrl, apiKey: async () => KEY }).preflight(),
        undefined,
        provider,
      );
    }
  });

  it('refuses a malformed stored key (CRLF injection) without showing it, in errors or logs', async () => {
    const lines: string[] = [];
    const evil = `${KEY}\r\nX-Injected: 1`;
    const connection = local({ provider: 'anthropic', apiKey: async () => evil }, lines);
    const problem = await connection.preflight();
    assert.equal(problem?.code, 'model_auth');
    assert.match(problem!.message, /malformed/);
    await assert.rejects(
      connection
        .invoke({ action: 'listTasks' })
        .then(() => connection.chat({ message: 'hi' }, new AbortController().signal).next()),
      (error: Error & { kind?: string }) => {
        assert.equal(error.kind, 'model_auth');
        assert.ok(!error.message.includes(KEY));
        return true;
      },
    );
    assert.ok(!lines.join('\n').includes(KEY), lines.join('\n'));
    assert.ok(!JSON.stringify(problem).includes(KEY));
  });

  it('refuses a base URL to a non-loopback http host', async () => {
    const problem = await local({
      provider: 'openai',
      baseUrl: 'http://llm.example.com/v1',
      apiKey: async () => KEY,
    }).preflight();
    assert.equal(problem?.code, 'not_configured');
    assert.match(problem!.message, /must be https/);
    await assert.rejects(
      local({ provider: 'openai', baseUrl: 'http://llm.example.com/v1', apiKey: async () => KEY }).invoke({
        action: 'listTasks',
      }),
      { kind: 'not_configured' },
    );
  });

  it('says when Ollama is not running, when no model is picked, and when the model is not pulled', async () => {
    const down = `http://127.0.0.1:${await freePort()}/v1`;
    const notRunning = await local({ provider: 'openai', baseUrl: down, modelId: 'llama3.1:8b' }).preflight();
    assert.equal(notRunning?.code, 'unreachable');
    assert.match(
      notRunning!.message,
      /Ollama \(or the server at http:\/\/127\.0\.0\.1:\d+\/v1\) is not running: start it with `ollama serve`/,
    );

    const ollama = await new OpenAIFake().start();
    try {
      ollama.models = ['llama3.1:8b'];
      const baseUrl = `${ollama.url}/v1`;
      const unpicked = await local({ provider: 'openai', baseUrl }).preflight();
      assert.equal(unpicked?.code, 'not_configured');
      assert.match(unpicked!.message, /Select Model…/);
      const unpulled = await local({ provider: 'openai', baseUrl, modelId: 'qwen2.5-coder:14b' }).preflight();
      assert.equal(unpulled?.code, 'model_not_found');
      assert.match(unpulled!.message, /ollama pull qwen2\.5-coder:14b/);
      assert.equal(
        await local({ provider: 'openai', baseUrl, modelId: 'llama3.1:8b' }).preflight(),
        undefined,
      );
    } finally {
      await ollama.stop();
    }
  });

  it('gives up on a loopback server that accepts but never answers', async () => {
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const problem = await local({
        provider: 'openai',
        baseUrl,
        modelId: 'm',
        probeTimeoutMs: 200,
      }).preflight();
      assert.equal(problem?.code, 'unreachable');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
