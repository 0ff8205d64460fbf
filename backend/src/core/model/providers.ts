/**
 * The providers the agent can talk to: one entry each, with its adapter loaded on first use so a
 * host never parses an SDK it does not call. Adding a provider is its adapter, an entry here and
 * its test.
 */
import { DEFAULT_MODEL_ID } from '../model-id';
import { nameProviders } from './errors';
import { isLoopbackUrl } from './loopback';
import type { ModelOptions } from './options';
import type { Model } from './types';

export interface ProviderEntry {
  /** What a person reads in errors and settings. */
  name: string;
  /** The model when MODEL_ID is unset; undefined: MODEL_ID is required. */
  defaultModelId(baseUrl: string | undefined): string | undefined;
  /** Whether a call needs an API key (a loopback OpenAI-compatible server does not). */
  needsKey(baseUrl: string | undefined): boolean;
  load(): Promise<(options: ModelOptions) => Model>;
}

export const PROVIDERS = {
  bedrock: {
    name: 'Amazon Bedrock',
    defaultModelId: () => DEFAULT_MODEL_ID,
    needsKey: () => false,
    load: () => import('./bedrock').then((m) => m.createBedrockModel),
  },
  anthropic: {
    name: 'Anthropic',
    defaultModelId: () => 'claude-sonnet-4-5',
    needsKey: () => true,
    load: () => import('./anthropic').then((m) => m.createAnthropicModel),
  },
  openai: {
    name: 'OpenAI-compatible server',
    // A server of one's own (Ollama, vLLM) has its own models: there is no default to guess.
    defaultModelId: (baseUrl) => (baseUrl ? undefined : 'gpt-4.1'),
    needsKey: (baseUrl) => !isLoopbackUrl(baseUrl),
    load: () => import('./openai').then((m) => m.createOpenAIModel),
  },
  gemini: {
    name: 'Google Gemini',
    defaultModelId: () => 'gemini-2.5-flash',
    needsKey: () => true,
    load: () => import('./gemini').then((m) => m.createGeminiModel),
  },
} satisfies Record<string, ProviderEntry>;

export type ProviderId = keyof typeof PROVIDERS;
/** Every provider id, in the registry's order: what MODEL_PROVIDER and the CDK app accept. */
export const PROVIDER_IDS = Object.keys(PROVIDERS) as [ProviderId, ...ProviderId[]];
nameProviders(PROVIDERS);

export function providerName(id: ProviderId): string {
  return PROVIDERS[id].name;
}

export { isLoopbackUrl };

/**
 * The model for `options`, its adapter loaded on the first call. Listing models loads it too.
 */
export function createModel(provider: ProviderId, options: ModelOptions): Model {
  let model: Promise<Model> | undefined;
  const get = () => (model ??= PROVIDERS[provider].load().then((create) => create(options)));
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
