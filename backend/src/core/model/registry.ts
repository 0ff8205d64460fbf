/**
 * The providers the agent can talk to, one entry each: everything about a provider but its adapter.
 * Plain data, no SDK and no adapter in reach: the extension's activation bundle imports it for its
 * settings, key prompt and model picker, and the backend for its configuration and errors. The
 * adapter of a provider is `adapters/<id>.ts`, loaded on first use by `createModel` (providers.ts).
 */
import { DEFAULT_MODEL_ID } from '../model-id';
import { isLoopbackUrl } from './loopback';
import type { ModelInfo } from './types';

export interface ProviderEntry {
  /** What a person reads in errors and settings. */
  name: string;
  /** Where a person gets a key (the extension's key prompt). */
  keyHint: string;
  /** The model when none is named; undefined: one must be named. */
  defaultModelId(baseUrl: string | undefined): string | undefined;
  /** Whether a call needs an API key (a loopback OpenAI-compatible server does not). */
  needsKey(baseUrl: string | undefined): boolean;
  /** The models offered when the provider cannot be asked for its list (no key yet, no answer). */
  builtIn(baseUrl: string | undefined): ModelInfo[];
}

const ENTRIES = {
  bedrock: {
    name: 'Amazon Bedrock',
    keyHint: 'Bedrock uses your AWS credentials, not an API key.',
    defaultModelId: () => DEFAULT_MODEL_ID,
    needsKey: () => false,
    builtIn: () => [
      { id: DEFAULT_MODEL_ID, name: 'Claude Sonnet 4.5 (US inference profile)' },
      { id: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', name: 'Claude Sonnet 4.5 (global profile)' },
      { id: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', name: 'Claude Haiku 4.5 (US inference profile)' },
      { id: 'us.anthropic.claude-opus-4-1-20250805-v1:0', name: 'Claude Opus 4.1 (US inference profile)' },
      { id: 'us.anthropic.claude-sonnet-4-20250514-v1:0', name: 'Claude Sonnet 4 (US inference profile)' },
      { id: 'us.amazon.nova-pro-v1:0', name: 'Amazon Nova Pro (US inference profile)' },
    ],
  },
  anthropic: {
    name: 'Anthropic',
    keyHint: 'An Anthropic API key (console.anthropic.com → API Keys).',
    defaultModelId: () => 'claude-sonnet-4-5',
    needsKey: () => true,
    builtIn: () => [
      { id: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5' },
      { id: 'claude-haiku-4-5', name: 'Claude Haiku 4.5' },
      { id: 'claude-opus-4-1', name: 'Claude Opus 4.1' },
      { id: 'claude-sonnet-4-0', name: 'Claude Sonnet 4' },
    ],
  },
  openai: {
    name: 'OpenAI-compatible server',
    keyHint: 'An OpenAI API key, or the key your OpenAI-compatible server expects.',
    // A server of one's own (Ollama, vLLM) has its own models: there is no default to guess.
    defaultModelId: (baseUrl) => (baseUrl ? undefined : 'gpt-4.1'),
    needsKey: (baseUrl) => !isLoopbackUrl(baseUrl),
    builtIn: (baseUrl) =>
      isLoopbackUrl(baseUrl)
        ? [
            { id: 'qwen2.5-coder:14b', name: 'Ollama: ollama pull qwen2.5-coder:14b' },
            { id: 'llama3.1:8b', name: 'Ollama: ollama pull llama3.1:8b' },
            { id: 'gpt-oss:20b', name: 'Ollama: ollama pull gpt-oss:20b' },
          ]
        : baseUrl
          ? []
          : [
              { id: 'gpt-4.1', name: 'GPT-4.1' },
              { id: 'gpt-4.1-mini', name: 'GPT-4.1 mini' },
              { id: 'gpt-4o', name: 'GPT-4o' },
              { id: 'o4-mini', name: 'o4-mini' },
            ],
  },
  gemini: {
    name: 'Google Gemini',
    keyHint: 'A Gemini API key (aistudio.google.com → Get API key).',
    defaultModelId: () => 'gemini-2.5-flash',
    needsKey: () => true,
    builtIn: () => [
      { id: 'gemini-2.5-flash', name: 'Gemini 2.5 Flash' },
      { id: 'gemini-2.5-pro', name: 'Gemini 2.5 Pro' },
      { id: 'gemini-2.5-flash-lite', name: 'Gemini 2.5 Flash-Lite' },
    ],
  },
} satisfies Record<string, ProviderEntry>;

export type ProviderId = keyof typeof ENTRIES;
export const PROVIDERS: Readonly<Record<ProviderId, ProviderEntry>> = ENTRIES;
/** Every provider id, in the registry's order: what MODEL_PROVIDER, the CDK app and the settings accept. */
export const PROVIDER_IDS = Object.keys(PROVIDERS) as [ProviderId, ...ProviderId[]];

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && Object.hasOwn(PROVIDERS, value);
}

export function providerName(id: ProviderId): string {
  return PROVIDERS[id].name;
}
