/**
 * The errors of a request: each carries one of the contract's HTTP codes and a message written for
 * the client. `toErrorResponse` is the one place that turns any thrown value into the status, body
 * and headers a host answers with.
 */
import { CloudEngineerError, type ErrorBody, type ErrorCode } from '../protocol';

/** An error whose message a client may read; its status and retryability come from its code. */
export class ServiceError extends CloudEngineerError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
  readonly retryAfterSeconds: number | undefined;
  override get name(): string {
    return this.constructor.name;
  }
}

export class InvalidRequestError extends ServiceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_request', message, options);
  }
}
export class UnauthorizedError extends ServiceError {
  constructor(message = 'a valid Cognito access token is required', options?: { cause?: unknown }) {
    super('unauthorized', message, options);
  }
}
/**
 * Refused before anything runs: under AUTH_MODE=none a request a web page could have sent; under
 * Cognito a caller outside ALLOWED_GROUPS, or an approval from outside APPROVER_GROUPS.
 */
export class ForbiddenError extends ServiceError {
  constructor(message: string) {
    super('forbidden', message);
  }
}
export class NotFoundError extends ServiceError {
  constructor(message: string) {
    super('not_found', message);
  }
}
export class MethodNotAllowedError extends ServiceError {
  constructor(readonly allow: string) {
    super('method_not_allowed', `use ${allow}`);
  }
}
/** A conditional write lost: the session moved on since the caller read it. */
export class SessionChangedError extends ServiceError {
  constructor(
    message = 'the session changed since it was read: this decision was already made or is out of date',
  ) {
    super('invalid_request', message);
  }
}
export class PayloadTooLargeError extends ServiceError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}
/** A conversation at its size limit: the client should start a new one. */
export class SessionFullError extends ServiceError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}
export class ThrottledError extends ServiceError {
  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super('throttled', message, { retryAfterSeconds: 5, ...options });
  }
}
/** The caller's USER_DAILY_TOKENS are spent; `Retry-After` runs to the next UTC day. */
export class QuotaExceededError extends ServiceError {
  constructor(message: string, retryAfterSeconds: number) {
    super('quota_exceeded', message, { retryAfterSeconds });
  }
}
export class UnavailableError extends ServiceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message, options);
  }
}

/**
 * Status, body and headers for any error. Unknown errors become a bare 500: their messages may hold
 * stack details, request data or credentials, so none of it leaves the process.
 */
export function toErrorResponse(error: unknown): {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
} {
  const known = error instanceof ServiceError ? error : new ServiceError('internal', 'internal error');
  const headers: Record<string, string> = {};
  if (known.retryAfterSeconds !== undefined) headers['retry-after'] = String(known.retryAfterSeconds);
  if (known instanceof MethodNotAllowedError) headers.allow = known.allow;
  return { status: known.status, body: { error: { code: known.code, message: known.message } }, headers };
}
