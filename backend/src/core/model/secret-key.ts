/**
 * A provider key kept in AWS Secrets Manager (MODEL_API_KEY_SECRET): read on first use, cached,
 * and read again when the provider refused it (the secret was rotated). The secret holds the key
 * as plain text, or as JSON with an `apiKey` (or `api_key`, `key`) field.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { CloudEngineerError } from '../../protocol';
import type { ApiKeySource } from './options';

export interface SecretKeyOptions {
  secretId: string;
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  /** An endpoint override (tests); else the SDK's own (AWS_ENDPOINT_URL_SECRETS_MANAGER). */
  endpoint?: string;
}

/** The key could not be had: to the provider's adapter, and to the user, a key problem. */
export class SecretKeyError extends CloudEngineerError {
  override readonly name = 'SecretKeyError';
  readonly code = 'model_auth';
}

export function secretKey(options: SecretKeyOptions): ApiKeySource {
  let cached: Promise<string> | undefined;
  let client: Promise<(id: string) => Promise<string | undefined>> | undefined;
  const read = async () => {
    client ??= import('@aws-sdk/client-secrets-manager').then((m) => {
      const c = new m.SecretsManagerClient({
        region: options.region,
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      });
      return async (id: string) => (await c.send(new m.GetSecretValueCommand({ SecretId: id }))).SecretString;
    });
    let text: string | undefined;
    try {
      text = await (await client)(options.secretId);
    } catch (error) {
      // The secret's id is configuration, fit to name; its value never appears in an error.
      const name = (error as { name?: string }).name ?? 'Error';
      throw new SecretKeyError(
        `Could not read the model API key from secret ${options.secretId} (${name}).`,
        {
          cause: error,
        },
      );
    }
    const key = keyIn(text);
    if (!key) throw new SecretKeyError(`The secret ${options.secretId} holds no model API key.`);
    return key;
  };
  const load = () => {
    const pending = read();
    cached = pending;
    // A failed read is not kept: the next call tries again.
    pending.catch(() => cached === pending && (cached = undefined));
    return pending;
  };
  return {
    get: () => cached ?? load(),
    refresh: () => load(),
  };
}

function keyIn(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const json = JSON.parse(trimmed) as Record<string, unknown>;
    const key = json.apiKey ?? json.api_key ?? json.key;
    return typeof key === 'string' && key.trim() ? key.trim() : undefined;
  } catch {
    return undefined;
  }
}
