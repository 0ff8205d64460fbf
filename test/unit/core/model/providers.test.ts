/**
 * One registry of providers (core/model/providers.ts): a new provider is its adapter, its entry
 * there and its test. Everything else that names providers reads the registry.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { MODEL_PROVIDERS } from '../../../../backend/infra/lib/config';
import { ConfigError, loadConfig } from '../../../../backend/src/core/config';
import { ModelError, providerLabel, unexpectedModelError } from '../../../../backend/src/core/model/errors';
import { PROVIDER_IDS, PROVIDERS } from '../../../../backend/src/core/model/providers';

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

  it('is the one list: no other backend file names several providers', () => {
    // Bedrock is the default and has rules of its own (AWS credentials, Converse's guardrail);
    // a list or table of providers names several of the others.
    const others = PROVIDER_IDS.filter((id) => id !== 'bedrock');
    const lists: string[] = [];
    for (const file of [...sources('backend/src'), ...sources('backend/infra')]) {
      if (file.endsWith('core/model/providers.ts')) continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      const named = others.filter((id) => new RegExp(`(['"\`])${id}\\1|\\b${id}\\s*:`).test(text));
      if (named.length > 1) lists.push(`${file}: ${named.join(', ')}`);
    }
    assert.deepEqual(lists, []);
  });
});
