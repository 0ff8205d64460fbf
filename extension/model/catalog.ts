/**
 * What the extension knows about the model providers local mode can use, without loading any of
 * them: the core's registry (names, default models, built-in model lists, whether a key is needed;
 * plain data, no adapter or SDK in reach), and the extension's own rules on top: where a key is
 * kept and what a base URL, a typed key or a listed model id must look like. No `vscode` here: the
 * rules are unit-tested.
 */
import { isLoopbackUrl } from '../../backend/src/core/model/loopback';
import {
  isProviderId,
  PROVIDER_IDS,
  PROVIDERS,
  type ProviderEntry,
  type ProviderId,
} from '../../backend/src/core/model/registry';
import { displayText } from '../common/display-text';

export { displayText, isLoopbackUrl };

export const MODEL_PROVIDERS = PROVIDER_IDS;
export type ModelProvider = ProviderId;
export const PROVIDER_INFO: Readonly<Record<ModelProvider, ProviderEntry>> = PROVIDERS;
export const isModelProvider = isProviderId;

/** Bedrock signs with AWS credentials; a loopback OpenAI-compatible server (Ollama) checks no key. */
export function needsKey(provider: ModelProvider, baseUrl: string): boolean {
  return PROVIDERS[provider].needsKey(baseUrl);
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
