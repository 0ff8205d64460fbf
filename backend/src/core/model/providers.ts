/**
 * The model for a provider, its adapter loaded on first use so a host never parses an SDK it does
 * not call. What a provider is lives in registry.ts; its adapter is `adapters/<id>.ts`, found by
 * its id (no list of adapters here).
 *
 * A new provider's code is three files:
 * - `adapters/<id>.ts`: its adapter, exporting `createModel(options: ModelOptions): Model`;
 * - registry.ts: its entry (name, key hint, default model, whether it needs a key, built-in models);
 * - its test, `test/unit/core/model/<id>.test.ts`, running provider-suite.ts against its wire fake
 *   (test/fakes/<id>.ts).
 * Besides: its SDK is a dependency in backend/package.json; package.json, which the editor reads
 * before any code runs, lists the ids in `cloudEngineer.model.provider` (a unit test holds it to
 * the registry) and the default models in `cloudEngineer.model.id`; eslint.config.mjs fences the
 * SDK to its adapter; the README names the provider.
 */
import type { ModelOptions } from './options';
import { isProviderId, type ProviderId } from './registry';
import type { Model } from './types';

export {
  isProviderId,
  PROVIDER_IDS,
  PROVIDERS,
  providerName,
  type ProviderEntry,
  type ProviderId,
} from './registry';

/** What every `adapters/<id>.ts` exports. */
export interface Adapter {
  createModel(options: ModelOptions): Model;
}

/**
 * The adapter of a registered provider. A template-literal import: esbuild bundles every file of
 * adapters/ behind it (each its own chunk in the backend's split build), and tsx in tests resolves
 * the path as written. Only registered ids get this far: no other module is ever loaded here.
 */
export async function loadAdapter(provider: ProviderId): Promise<Adapter> {
  if (!isProviderId(provider)) throw new Error(`No model provider ${JSON.stringify(provider)}`);
  const adapter = (await import(`./adapters/${provider}.ts`)) as Partial<Adapter>;
  if (typeof adapter.createModel !== 'function')
    throw new Error(`adapters/${provider}.ts does not export createModel`);
  return adapter as Adapter;
}

/**
 * The model for `options`, its adapter loaded on the first call. Listing models loads it too.
 */
export function createModel(provider: ProviderId, options: ModelOptions): Model {
  let model: Promise<Model> | undefined;
  const get = () => (model ??= loadAdapter(provider).then((adapter) => adapter.createModel(options)));
  return {
    provider,
    modelId: options.modelId,
    async *stream(request, signal) {
      yield* (await get()).stream(request, signal);
    },
    async listModels(signal) {
      const m = await get();
      return m.listModels ? m.listModels(signal) : [];
    },
  };
}
