/**
 * The contract's failures: every code, the HTTP status of each, whether the same request is worth
 * sending again, and the one error base that carries them. Status and retryability are properties of
 * the code, decided here once for the backend, the extension and the webview.
 */
import * as z from 'zod';

/**
 * Every `error.code` anyone meets, closed: the HTTP codes below, a failed model call's codes (the
 * stream's `error` event), and the two only a client produces (no backend set, backend not
 * reachable). The connections raise these and the chat banner maps each to its fix, so a new code
 * does not compile until it has one.
 */
export const FAILURE_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'throttled',
  'quota_exceeded',
  'internal',
  'unavailable',
  'aws_credentials',
  'model_auth',
  'model_access_denied',
  'model_not_found',
  'model_rejected',
  'context_too_long',
  'not_configured',
  'unreachable',
] as const;
export const FailureCode = z.enum(FAILURE_CODES);
export type FailureCode = z.infer<typeof FailureCode>;

/** The codes a host answers a request with, and their statuses (the contract's table). */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  throttled: 429,
  quota_exceeded: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;
// Every HTTP code is one of the closed set (the compiler checks it).
export const HTTP_FAILURE_CODES: readonly FailureCode[] = Object.keys(ERROR_STATUS) as ErrorCode[];

/**
 * The status of every code. A model's refusal is an upstream's (502); the client's own codes say
 * what a gateway would: nothing usable came back (502), or there is nothing set up to ask (500).
 */
const FAILURE_STATUS: Record<FailureCode, number> = {
  ...ERROR_STATUS,
  aws_credentials: 502,
  model_auth: 502,
  model_access_denied: 502,
  model_not_found: 502,
  model_rejected: 502,
  context_too_long: 502,
  not_configured: 500,
  unreachable: 502,
};

/**
 * Failures worth the same request again, later: the backend or a dependency was busy, away or
 * broke. `internal` is one, from a host or a model call alike: a client cannot tell a passing fault
 * from a bug, and one retry costs one request. A refusal (a key, access, the context, the daily
 * budget until it renews) would come back the same.
 */
const RETRYABLE: ReadonlySet<FailureCode> = new Set(['throttled', 'unavailable', 'internal', 'unreachable']);

export function isRetryable(code: FailureCode): boolean {
  return RETRYABLE.has(code);
}

export function failureStatus(code: FailureCode): number {
  return FAILURE_STATUS[code];
}

/**
 * The one base of the errors that leave a module: a contract code, and the status and
 * retryability that code has. Subclasses choose the code; nothing else decides the other two.
 */
export abstract class CloudEngineerError extends Error {
  abstract readonly code: FailureCode;
  get status(): number {
    return failureStatus(this.code);
  }
  get retryable(): boolean {
    return isRetryable(this.code);
  }
}

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof ErrorBody>;
