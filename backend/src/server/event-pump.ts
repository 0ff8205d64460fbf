/**
 * Writes a chat stream as server-sent events, for every host that streams over HTTP (the local
 * server and AgentCore container, the Lambda Function URL). While a turn is silent (a long tool
 * call) a `: keepalive` comment goes out so proxies and load balancers keep the connection.
 */
import { encodeEvent, type StreamEvent } from '../protocol';

/** The contract asks for at least one every 15 s; 10 s leaves room for a slow write. */
export const DEFAULT_KEEPALIVE_MS = 10_000;
export const KEEPALIVE_COMMENT = ': keepalive\n\n';

const TICK = Symbol('keepalive');

/**
 * Drains `events` into `write`. A stream that throws after it started cannot change its status any
 * more, so it ends with an `error` event: the contract's last event, never a second response.
 * Always drains to the end (the turn stores its answer when it ends), even when nobody reads.
 */
export async function pumpEvents(
  events: AsyncIterator<StreamEvent>,
  write: (chunk: string) => void,
  options: { keepaliveMs?: number; onError?: (error: unknown) => void } = {},
): Promise<void> {
  const keepaliveMs = options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS;
  let pending = events.next();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const tick = new Promise<typeof TICK>((resolve) => (timer = setTimeout(resolve, keepaliveMs, TICK)));
    let next: IteratorResult<StreamEvent> | typeof TICK;
    try {
      next = await Promise.race([pending, tick]);
    } catch (error) {
      options.onError?.(error);
      write(
        encodeEvent({
          type: 'error',
          code: 'internal',
          message: 'The turn failed unexpectedly.',
          retryable: true,
        }),
      );
      return;
    } finally {
      clearTimeout(timer);
    }
    if (next === TICK) {
      write(KEEPALIVE_COMMENT);
      continue;
    }
    if (next.done) return;
    write(encodeEvent(next.value));
    pending = events.next();
  }
}
