/**
 * One registry of providers (core/model/registry.ts): a new provider is its adapter
 * (core/model/adapters/<id>.ts), its entry there and its test. Everything else that names
 * providers reads the registry, and the adapter is found by its id.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { MODEL_PROVIDERS } from '../../../../backend/infra/lib/config';
import { ConfigError, loadConfig } from '../../../../backend/src/core/config';
import { ModelError, providerLabel, unexpectedModelError } from '../../../../backend/src/core/model/errors';
import { fixedKey } from '../../../../backend/src/core/model/options';
import {
  createModel,
  loadAdapter,
  PROVIDER_IDS,
  PROVIDERS,
  type ProviderId,
} from '../../../../backend/src/core/model/providers';

const ROOT = resolve(__dirname, '../../../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

describe('the provider registry', () => {
  it('names every provider in errors from its entry', () => {
    for (const id of PROVIDER_IDS) {
      assert.equal(providerLabel(id), PROVIDERS[id].name);
      const error = unexpectedModelError(id, new Error('raw SDK text with sk-secret-123456'));
      assert.ok(error instanceof ModelError);
      assert.equal(error.message, `The model call (${PROVIDERS[id].name}) failed unexpectedly.`);
      assert.equal(error.code, 'internal');
    }
  });

  it('is what MODEL_PROVIDER and the CDK app accept', () => {
    assert.deepEqual([...MODEL_PROVIDERS], [...PROVIDER_IDS]);
    for (const id of PROVIDER_IDS) {
      const config = loadConfig({
        AUTH_MODE: 'none',
        MODEL_PROVIDER: id,
        MODEL_ID: 'some-model',
        MODEL_API_KEY: 'k-local-development',
      });
      assert.equal(config.model.provider, id);
    }
    assert.throws(
      () => loadConfig({ AUTH_MODE: 'none', MODEL_PROVIDER: 'acme' }),
      (e: unknown) => e instanceof ConfigError && PROVIDER_IDS.every((id) => e.message.includes(id)),
    );
  });

  it('is the one list: no other backend or extension file names several providers', () => {
    // Bedrock is the default and has rules of its own (AWS credentials, Converse's guardrail);
    // a list or table of providers names several of the others.
    const others = PROVIDER_IDS.filter((id) => id !== 'bedrock');
    const lists: string[] = [];
    for (const file of [...sources('backend/src'), ...sources('backend/infra'), ...sources('extension')]) {
      if (file.endsWith('core/model/registry.ts')) continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      const named = others.filter((id) => new RegExp(`(['"\`])${id}\\1|\\b${id}\\s*:`).test(text));
      if (named.length > 1) lists.push(`${file}: ${named.join(', ')}`);
    }
    assert.deepEqual(lists, []);
  });

  it("finds each provider's adapter by its id, and every adapter is registered", async () => {
    const files = readdirSync(join(ROOT, 'backend/src/core/model/adapters'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
      .sort();
    assert.deepEqual(files, [...PROVIDER_IDS].sort());
    for (const id of PROVIDER_IDS) {
      const adapter = await loadAdapter(id);
      const model = adapter.createModel({
        modelId: 'some-model',
        apiKey: fixedKey('k'),
        region: 'us-east-1',
      });
      assert.equal(model.provider, id);
      assert.equal(model.modelId, 'some-model');
    }
  });

  it('loads no module but a registered adapter, whatever id it is given', async () => {
    for (const id of [
      '../errors',
      '../registry',
      'adapters/openai',
      '__proto__',
      'constructor',
      'OPENAI',
      '',
    ]) {
      await assert.rejects(loadAdapter(id as ProviderId), /No model provider/);
      const model = createModel(id as ProviderId, {
        modelId: 'm',
        apiKey: fixedKey('k'),
        region: 'us-east-1',
      });
      await assert.rejects(model.listModels!(AbortSignal.timeout(1000)), /No model provider/);
    }
  });

  it('has what the settings, the key prompt and the model picker show for each provider', () => {
    for (const id of PROVIDER_IDS) {
      const entry = PROVIDERS[id];
      assert.ok(entry.name && entry.keyHint, id);
      const defaultId = entry.defaultModelId(undefined);
      // With the provider's own API, the default model is one the picker offers.
      if (defaultId)
        assert.ok(
          entry.builtIn(undefined).some((m) => m.id === defaultId),
          id,
        );
    }
  });
});
