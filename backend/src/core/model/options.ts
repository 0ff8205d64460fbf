/** What every adapter is built from; each reads the fields its provider needs. */
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * The provider's key, read lazily and cached by its source. `refresh` reads it again (a rotated
 * Secrets Manager secret) after the provider refused it; a key given as a value just returns it.
 */
export interface ApiKeySource {
  get(): Promise<string | undefined>;
  refresh(): Promise<string | undefined>;
}

export const noKey: ApiKeySource = { get: async () => undefined, refresh: async () => undefined };

export function fixedKey(key: string | undefined): ApiKeySource {
  return { get: async () => key, refresh: async () => key };
}

export interface ModelOptions {
  modelId: string;
  /** The provider's endpoint (an OpenAI-compatible server's `/v1`, a proxy, a wire fake). */
  baseUrl?: string;
  apiKey: ApiKeySource;
  /** Bedrock: the region, an endpoint override and the credentials. */
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentityProvider;
  /** Bedrock: a guardrail applied by Converse itself. */
  guardrail?: { identifier: string; version: string; streamProcessingMode?: 'sync' | 'async' };
}
