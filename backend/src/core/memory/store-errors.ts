/**
 * The one way every memory store reports a failure of its backing storage: the store's own
 * service errors (not found, invalid request, session changed) pass unchanged; anything else is
 * `UnavailableError` (503, retryable), throttling included. A throttled store is a dependency that
 * cannot serve right now, which the contract answers with 503; 429 `throttled` is kept for the model
 * and per-actor rate limits. The cause is kept for the logs; nothing of it reaches the message.
 */
import { ServiceError, UnavailableError } from '../errors';

const THROTTLING =
  /Throttl|TooManyRequests|ProvisionedThroughputExceeded|RequestLimitExceeded|SlowDown|LimitExceeded/;

export function isThrottling(error: unknown): boolean {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null | undefined;
  const name = typeof e?.name === 'string' ? e.name : '';
  return THROTTLING.test(name) || e?.$metadata?.httpStatusCode === 429;
}

export function storeError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  if (isThrottling(error))
    return new UnavailableError('conversation memory is busy; try again shortly', { cause: error });
  return new UnavailableError('conversation memory is unavailable; try again shortly', { cause: error });
}

/** Runs one store operation with its failures mapped by {@link storeError}. */
export async function guardStore<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw storeError(error);
  }
}

/** Too many writers raced for one session and this one gave up: retryable, like throttling. */
export function sessionBusy(): UnavailableError {
  return new UnavailableError('the session is busy with other writes; try again shortly');
}
