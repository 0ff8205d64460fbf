/**
 * What the adapters of providers that take an API key share: one SDK client per key, the key read
 * for each call and read once more after the provider refused it (a rotated secret), the stream
 * read until it ends, fails or is cancelled, and the hints their errors give.
 */
import { ModelError, scrubbed } from './errors';
import type { ApiKeySource } from './options';
import type { ProviderId } from './registry';
import type { ModelEvent } from './types';

/** How a refused or missing key's message ends: where a key is set, in the editor and on a host. */
export const SET_KEY =
  'set a valid key with Cloud Engineer: Set Model API Key… or MODEL_API_KEY / MODEL_API_KEY_SECRET';

/** The SDK client for a key, built again only when the key changed (rotated). */
export function clientPerKey<Client>(build: (key: string) => Client): (key: string) => Client {
  let current: { key: string; client: Client } | undefined;
  return (key) => {
    if (current?.key !== key) current = { key, client: build(key) };
    return current.client;
  };
}

export interface Keys {
  get(): Promise<string>;
  /** After the provider refused the key: read it again. */
  refresh(): Promise<string>;
}

/**
 * The key from `source` for each call; `fallback` when there is none (what a loopback server that
 * checks no key is sent), else an 'auth' error saying `none`. A source that fails says why in its
 * own words (a secret's name, never its value), else `unreadable`.
 */
export function requiredKey(
  source: ApiKeySource,
  provider: ProviderId,
  say: { none: string; unreadable: string; fallback?: string | undefined },
): Keys {
  const read = async (from: () => Promise<string | undefined>): Promise<string> => {
    let key: string | undefined;
    try {
      key = await from();
    } catch (error) {
      throw new ModelError('auth', provider, scrubbed((error as Error)?.message) || say.unreadable, {
        cause: error,
        retryNow: false,
      });
    }
    if (key) return key;
    if (say.fallback) return say.fallback;
    throw new ModelError('auth', provider, say.none, { retryNow: false });
  };
  return { get: () => read(() => source.get()), refresh: () => read(() => source.refresh()) };
}

/** One call with the key: the value, and the key it went with (to scrub it from a later error). */
export type KeyedCall = <T>(
  signal: AbortSignal,
  call: (key: string) => Promise<T>,
) => Promise<{ value: T; key: string }>;

/**
 * Calls with the key; after an auth refusal, once more with a rotated key if there is one. `fail`
 * turns what a call threw into the error to throw, told the key it sent (to scrub it).
 */
export function withKey(
  keys: Keys,
  fail: (error: unknown, key: string, signal: AbortSignal) => ModelError,
): KeyedCall {
  return async (signal, call) => {
    const key = await keys.get();
    try {
      return { value: await call(key), key };
    } catch (error) {
      const failure = fail(error, key, signal);
      if (failure.kind !== 'auth' || signal.aborted) throw failure;
      const fresh = await keys.refresh();
      if (fresh === key) throw failure;
      try {
        return { value: await call(fresh), key: fresh };
      } catch (again) {
        throw fail(again, fresh, signal);
      }
    }
  };
}

/** Turns a provider's stream items into model events, as they come and once it ended. */
export interface StreamReader<Item> {
  accept(item: Item): Iterable<ModelEvent>;
  end?(): Iterable<ModelEvent>;
}

/**
 * A provider's stream as model events. Stops reading once the signal fired (an SDK may end the
 * stream quietly on abort) and throws `cancelled()`; what the stream throws goes through `fail`.
 */
export async function* readStream<Item>(
  stream: AsyncIterable<Item>,
  reader: StreamReader<Item>,
  signal: AbortSignal,
  fail: (error: unknown) => ModelError,
  cancelled: () => ModelError,
): AsyncGenerator<ModelEvent> {
  try {
    for await (const item of stream) {
      if (signal.aborted) break;
      yield* reader.accept(item);
    }
  } catch (error) {
    throw fail(error);
  }
  if (signal.aborted) throw cancelled();
  if (reader.end) yield* reader.end();
}

/** The error of a call the caller cancelled: not worth another attempt. */
export function cancelledCall(provider: ProviderId, what: string): ModelError {
  return new ModelError('unavailable', provider, `The ${what} call was cancelled.`, { retryNow: false });
}

/** An HTTP `retry-after` (seconds or a date) as the error's `retryAfterSeconds`. */
export function retryAfter(headers: Headers | undefined): { retryAfterSeconds?: number } {
  const value = headers?.get('retry-after');
  if (!value) return {};
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return { retryAfterSeconds: Math.ceil(seconds) };
  const at = Date.parse(value);
  return Number.isFinite(at) ? { retryAfterSeconds: Math.max(0, Math.ceil((at - Date.now()) / 1000)) } : {};
}
