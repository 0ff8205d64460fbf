/**
 * One error type for every provider. Adapters turn what their SDK threw into a `ModelError` with a
 * kind a person can act on and a message that names the provider and the fix; this module maps the
 * kind to the stream's `error` fields. A message never carries the key (see `scrubbed`).
 */
import { CloudEngineerError, type FailureCode } from '../../protocol';
import { PROVIDERS, type ProviderId } from './registry';

export type ModelErrorKind =
  /** The key or credentials were refused. */
  | 'auth'
  /** Authenticated, but not allowed this model (Bedrock model access, an org policy). */
  | 'access'
  /** No such model at this provider. */
  | 'not_found'
  /** The request is over the model's context window. */
  | 'context_too_long'
  | 'throttled'
  /** The server did not answer, answered 5xx, or the stream broke. */
  | 'unavailable'
  /** The provider refused the request's shape. */
  | 'invalid'
  | 'internal';

export class ModelError extends CloudEngineerError {
  override readonly name = 'ModelError';
  readonly kind: ModelErrorKind;
  readonly provider: ProviderId;
  /** Worth another attempt at once, before anything has streamed (throttling, a 5xx, a reset). */
  readonly retryNow: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    kind: ModelErrorKind,
    provider: ProviderId,
    message: string,
    options: { cause?: unknown; retryNow?: boolean; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.provider = provider;
    this.retryNow = options.retryNow ?? (kind === 'throttled' || kind === 'unavailable');
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The stream's `error` code; its status and retryability are the code's (protocol/failures.ts). */
  get code(): FailureCode {
    switch (this.kind) {
      case 'auth':
        return this.provider === 'bedrock' ? 'aws_credentials' : 'model_auth';
      case 'access':
        return 'model_access_denied';
      case 'not_found':
        return 'model_not_found';
      case 'context_too_long':
        return 'context_too_long';
      case 'throttled':
        return 'throttled';
      case 'unavailable':
        return 'unavailable';
      case 'invalid':
        return 'model_rejected';
      case 'internal':
        return 'internal';
    }
  }
}

/** Anything an adapter did not classify: a bug or an SDK surprise, never its raw message. */
export function unexpectedModelError(provider: ProviderId, cause: unknown): ModelError {
  return new ModelError(
    'internal',
    provider,
    `The model call (${providerLabel(provider)}) failed unexpectedly.`,
    {
      cause,
      retryNow: false,
    },
  );
}

/**
 * A provider's own message, fit to show: one line, capped, with the key and anything shaped like
 * a key removed (some providers echo part of a refused key back).
 */
export function scrubbed(message: unknown, secrets: readonly (string | undefined)[] = []): string {
  if (typeof message !== 'string') return '';
  const text = withoutSecrets(message, secrets)
    .replace(/\b(sk|pk|rk)-[A-Za-z0-9_*.-]{6,}/g, '[key]')
    // A query-string key (`?key=`, `&api_key=`) and an echoed key header or field.
    .replace(/([?&](?:key|api[-_]?key|access_token)=)[^&\s"']+/gi, '$1[key]')
    .replace(/\b((?:x-)?(?:goog-)?api[-_]?key["']?\s*[:=]\s*["']?)[^\s"',}]{4,}/gi, '$1[key]')
    .replace(/\bAIza[0-9A-Za-z_-]{10,}/g, '[key]')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, '$1 [key]')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** The shortest run of a key's characters that is taken for a part of it ("sk-abc12…", "…a1b2c3d4"). */
const KEY_PART = 8;

/**
 * `text` without the secrets: each whole, as sent or as a server may echo it (URL-encoded in a
 * query string, JSON-escaped), and any run of KEY_PART or more characters of one, since servers
 * echo a refused key in part ("Incorrect API key provided: abcd1234****wxyz").
 */
export function withoutSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]))
      text = text.split(form).join('[key]');
    if (secret.length < KEY_PART) continue;
    const parts = new Set<string>();
    for (let i = 0; i + KEY_PART <= secret.length; i++) parts.add(secret.slice(i, i + KEY_PART));
    let out = '';
    for (let i = 0; i < text.length;) {
      if (!parts.has(text.slice(i, i + KEY_PART))) {
        out += text[i++];
        continue;
      }
      // The longest run from here that is still a part of the key goes.
      let end = i + KEY_PART;
      while (end < text.length && secret.includes(text.slice(i, end + 1))) end++;
      out += '[key]';
      i = end;
    }
    text = out;
  }
  return text;
}

/**
 * The SDK error kept as a `ModelError`'s cause, without the key in any of its text fields: the
 * cause is logged (its name and code) and held by whoever catches the error, and a server may put
 * the key in the message, the code, the type or the body it answered with. Changed in place.
 */
export function forgetSecrets(error: unknown, secrets: readonly (string | undefined)[]): void {
  if (!secrets.some(Boolean)) return;
  const scrub = (target: unknown, depth: number) => {
    if (!target || typeof target !== 'object' || depth > 2) return;
    const fields = target as Record<string, unknown>;
    for (const name of ['message', 'stack', 'code', 'type', 'param', 'apiMessage']) {
      if (typeof fields[name] !== 'string') continue;
      try {
        fields[name] = withoutSecrets(fields[name] as string, secrets);
      } catch {
        // A read-only field: left as it is.
      }
    }
    // The parsed body the SDK keeps (OpenAI, Anthropic: `error`), and what it wraps.
    scrub(fields.error, depth + 1);
    scrub(fields.cause, depth + 1);
  };
  scrub(error, 0);
}

/** Network failures by their Node error code: the server never answered. */
export function isConnectionFailure(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  const code = String(e?.code ?? e?.cause?.code ?? '');
  return (
    /^(ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ERR_HTTP2|UND_ERR)/.test(code) ||
    e?.name === 'TimeoutError' ||
    e?.name === 'APIConnectionError' ||
    e?.name === 'APIConnectionTimeoutError'
  );
}

/** The provider's name from the registry. */
export function providerLabel(provider: ProviderId): string {
  return PROVIDERS[provider]?.name ?? provider;
}
