/**
 * The extension's providers are the core's registry. The settings UI reads its choices from
 * package.json, which cannot import the registry: this holds the manifest to it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROVIDER_IDS, PROVIDERS } from '../../../../backend/src/core/model/registry';
import {
  effectiveModelId,
  isModelProvider,
  MODEL_PROVIDERS,
  PROVIDER_INFO,
} from '../../../../extension/model/catalog';

interface Setting {
  enum?: string[];
  enumDescriptions?: string[];
  default?: unknown;
}

function setting(name: string): Setting {
  const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../../../package.json'), 'utf8'));
  const sections = [manifest.contributes.configuration].flat() as { properties: Record<string, Setting> }[];
  const found = sections.map((s) => s.properties[name]).find(Boolean);
  assert.ok(found, `${name} in package.json`);
  return found;
}

describe('model providers in the extension', () => {
  it('are the registry’s, in its order', () => {
    assert.deepEqual([...MODEL_PROVIDERS], [...PROVIDER_IDS]);
    for (const id of PROVIDER_IDS) {
      assert.equal(PROVIDER_INFO[id], PROVIDERS[id]);
      assert.ok(isModelProvider(id));
    }
    for (const other of ['acme', 'toString', '__proto__', '', 'OpenAI', undefined, 1])
      assert.equal(isModelProvider(other), false, String(other));
  });

  it('are what the cloudEngineer.model.provider setting offers, each described', () => {
    const provider = setting('cloudEngineer.model.provider');
    assert.deepEqual(provider.enum, [...PROVIDER_IDS]);
    assert.equal(provider.enumDescriptions?.length, PROVIDER_IDS.length);
    for (const description of provider.enumDescriptions ?? []) assert.ok(description.trim());
    assert.ok(PROVIDER_IDS.includes(provider.default as never));
  });

  it('take the registry’s default model when the setting is empty', () => {
    assert.equal(effectiveModelId('gemini', '', ''), PROVIDERS.gemini.defaultModelId(''));
    assert.equal(effectiveModelId('gemini', 'gemini-2.5-pro', ''), 'gemini-2.5-pro');
    // A server of one's own has no default to guess.
    assert.equal(effectiveModelId('openai', '', 'http://localhost:11434/v1'), undefined);
  });
});
