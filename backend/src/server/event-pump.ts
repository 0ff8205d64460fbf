/**
 * Writes a chat stream as server-sent events, for every host that streams over HTTP (the local
 * server and AgentCore container, the Lambda Function URL). While a turn is silent (a long tool
 * call) a `: keepalive` comment goes out so proxies and load balancers keep the connection.
 *
 * The first event of a pass of the event loop is written at once; the rest of that pass (a burst
 * of deltas decoded from one network read) leave together in one write at the end of the pass:
 * nothing waits for a later pass, and a burst costs two system calls instead of one per event.
 */
import { encodeEvent, isRetryable, type StreamEvent } from '../protocol';

/** The contract asks for at least one every 15 s; 10 s leaves room for a slow write. */
export const DEFAULT_KEEPALIVE_MS = 10_000;
export const KEEPALIVE_COMMENT = ': keepalive\n\n';

/**
 * Drains `events` into `write`. A stream that throws after it started cannot change its status any
 * more, so it ends with an `error` event: the contract's last event, never a second response.
 * Always drains to the end (the turn stores its answer when it ends), even when nobody reads.
 * Everything is written by the time it resolves.
 */
export async function pumpEvents(
  events: AsyncIterator<StreamEvent>,
  write: (chunk: string) => void,
  options: { keepaliveMs?: number; onError?: (error: unknown) => void } = {},
): Promise<void> {
  let held = '';
  /** Set once this pass of the loop has written: later events wait for its end. */
  let pass: NodeJS.Immediate | undefined;
  const endPass = () => {
    pass = undefined;
    const chunk = held;
    held = '';
    if (chunk) write(chunk);
  };
  const send = (chunk: string) => {
    if (pass) return void (held += chunk);
    write(chunk);
    pass = setImmediate(endPass);
  };
  // One timer for the whole stream, pushed back by every event: a comment only after real silence.
  const keepalive = setInterval(() => send(KEEPALIVE_COMMENT), options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS);
  try {
    for (;;) {
      let next: IteratorResult<StreamEvent>;
      try {
        next = await events.next();
      } catch (error) {
        options.onError?.(error);
        send(
          encodeEvent({
            type: 'error',
            code: 'internal',
            message: 'The turn failed unexpectedly.',
            retryable: isRetryable('internal'),
          }),
        );
        return;
      }
      if (next.done) return;
      send(encodeEvent(next.value));
      keepalive.refresh();
    }
  } finally {
    clearInterval(keepalive);
    if (pass) clearImmediate(pass);
    endPass();
  }
}
