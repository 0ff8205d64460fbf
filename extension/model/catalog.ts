/**
 * What the extension knows about the model providers local mode can use, without loading any of
 * them: names, default models, built-in model lists (the fallback when a provider cannot be asked),
 * whether a key is needed, and where the key is kept. No `vscode` here: the rules are unit-tested.
 * The core's registry (backend/src/core/model/providers.ts) is not imported: it would bundle every
 * adapter and its SDK into the activation bundle.
 */
import { isLoopbackUrl } from '../../backend/src/core/model/loopback';
import { DEFAULT_MODEL_ID } from '../../backend/src/core/model-id';
import { displayText } from '../common/display-text';

export { displayText, isLoopbackUrl };

export const MODEL_PROVIDERS = ['bedrock', 'anthropic', 'openai', 'gemini'] as const;
export type ModelProvider = (typeof MODEL_PROVIDERS)[number];

export interface BuiltInModel {
  id: string;
  name?: string;
}

interface ProviderInfo {
  /** What a person reads. */
  name: string;
  /** Where the user gets a key (shown in the key prompt). */
  keyHint: string;
  /** The model when cloudEngineer.model.id is empty (the core's default); undefined: one must be named. */
  defaultModelId(baseUrl: string): string | undefined;
  builtIn(baseUrl: string): BuiltInModel[];
}

export const PROVIDER_INFO: Record<ModelProvider, ProviderInfo> = {
  bedrock: {
    name: 'Amazon Bedrock',
    keyHint: 'Bedrock uses your AWS credentials, not an API key.',
    defaultModelId: () => DEFAULT_MODEL_ID,
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
    builtIn: (baseUrl) =>
      baseUrl && isLoopbackUrl(baseUrl)
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
    builtIn: () => [
      { id: 'gemini-2.5-flash', name: 'Gemini 2.5 Flash' },
      { id: 'gemini-2.5-pro', name: 'Gemini 2.5 Pro' },
      { id: 'gemini-2.5-flash-lite', name: 'Gemini 2.5 Flash-Lite' },
    ],
  },
};

export function isModelProvider(value: unknown): value is ModelProvider {
  return typeof value === 'string' && (MODEL_PROVIDERS as readonly string[]).includes(value);
}

/** Bedrock signs with AWS credentials; a loopback OpenAI-compatible server (Ollama) checks no key. */
export function needsKey(provider: ModelProvider, baseUrl: string): boolean {
  if (provider === 'bedrock') return false;
  if (provider === 'openai' && isLoopbackUrl(baseUrl)) return false;
  return true;
}

/** The SecretStorage entry of a provider's key: one per provider, named after it. */
export function secretName(provider: ModelProvider): string {
  return `cloudEngineer.model.apiKey.${provider}`;
}

/** The model local mode uses: the setting, else the provider's default (undefined: none to guess). */
export function effectiveModelId(
  provider: ModelProvider,
  modelId: string,
  baseUrl: string,
): string | undefined {
  return modelId || PROVIDER_INFO[provider].defaultModelId(baseUrl);
}

/**
 * Why a base URL cannot be used, or undefined. A key goes to it, so: https, or plain http only to
 * this machine (127.0.0.0/8, localhost, [::1]). The same rule as the setting's pattern, enforced
 * here because settings.json can hold anything.
 */
export function baseUrlProblem(baseUrl: string): string | undefined {
  if (!baseUrl) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return 'cloudEngineer.model.baseUrl is not a URL.';
  }
  if (url.username || url.password)
    return 'cloudEngineer.model.baseUrl must not carry a user name or password: set the key with Set Model API Key….';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackUrl(baseUrl)) return undefined;
  return 'cloudEngineer.model.baseUrl must be https:// (plain http:// only for 127.0.0.1, localhost or [::1]).';
}

/** Printable ASCII without spaces, as every provider's keys are: no header injection, no hidden text. */
const KEY_SHAPE = /^[\x21-\x7e]+$/;
const MAX_KEY_LENGTH = 1024;

/** Why a typed key cannot be stored, or undefined; the message never repeats the key. */
export function keyProblem(key: string): string | undefined {
  if (!key) return undefined;
  if (key.length > MAX_KEY_LENGTH) return `An API key is at most ${MAX_KEY_LENGTH} characters.`;
  if (!KEY_SHAPE.test(key))
    return 'An API key is one line of printable characters, without spaces, line breaks or control characters.';
  return undefined;
}

/**
 * A model id as a provider listed it, fit to show and to store: printable, no spaces, capped. Ids
 * with control or invisible characters are dropped rather than cleaned (a cleaned id names a
 * different model).
 */
export function usableModelId(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const trimmed = id.trim();
  if (!trimmed || trimmed.length > 256 || !KEY_SHAPE.test(trimmed)) return undefined;
  return trimmed;
}
