/**
 * Per-caller limits of one backend process: how many chat streams an actor may have open, and how
 * many conversation reads (`getSession`, `listSessions`) may run for an actor at once. Both are
 * counted synchronously, so concurrent requests cannot slip past a check that awaits.
 */
import { ThrottledError } from '../errors';

export class StreamSlots {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a slot before anything is awaited, or throws 429; the release is idempotent. */
  reserve(actorId: string): () => void {
    const open = this.open.get(actorId) ?? 0;
    if (open >= this.max) {
      throw new ThrottledError(`${open} answers are already streaming for you; wait for one to finish`, {
        retryAfterSeconds: 5,
      });
    }
    this.open.set(actorId, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(actorId) ?? 1) - 1;
      if (left > 0) this.open.set(actorId, left);
      else this.open.delete(actorId);
    };
  }

  count(actorId: string): number {
    return this.open.get(actorId) ?? 0;
  }
}

/**
 * Wraps a stream so `release` runs exactly once when it ends however it ends: read to the end,
 * failed, or closed with `return()`, including a stream closed before it was ever read (a plain
 * async generator that never started would skip its `finally`).
 */
export function releasing<T>(events: AsyncGenerator<T>, release: () => void): AsyncGenerator<T> {
  const settle = (step: Promise<IteratorResult<T>>) =>
    step.then(
      (result) => {
        if (result.done) release();
        return result;
      },
      (error: unknown) => {
        release();
        throw error;
      },
    );
  const wrapper = {
    next: (...args: [] | [unknown]) => settle(events.next(...args)),
    return: (value: unknown) => events.return(value).finally(release),
    throw: (error: unknown) => settle(events.throw(error)),
    [Symbol.asyncIterator]: () => wrapper,
  } as AsyncGenerator<T>;
  return wrapper;
}

/**
 * Runs at most `concurrency` reads per actor and queues up to `queue` more; past that, 429. A
 * large conversation read a dozen times at once would otherwise hold a dozen copies in memory.
 */
export class ReadGate {
  private readonly active = new Map<string, { running: number; waiting: (() => void)[] }>();

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  async run<T>(actorId: string, read: () => Promise<T>): Promise<T> {
    let state = this.active.get(actorId);
    if (!state) this.active.set(actorId, (state = { running: 0, waiting: [] }));
    if (state.running >= this.concurrency) {
      if (state.waiting.length >= this.queue)
        throw new ThrottledError('too many conversation reads at once; try again shortly', {
          retryAfterSeconds: 1,
        });
      await new Promise<void>((resolve) => state.waiting.push(resolve));
    } else {
      state.running++;
    }
    try {
      return await read();
    } finally {
      // Hand the slot straight to the next waiter, or give it back.
      const next = state.waiting.shift();
      if (next) next();
      else if (--state.running === 0) this.active.delete(actorId);
    }
  }
}
