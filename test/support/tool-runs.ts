/** For tests that run tool calls: a tool context, how many calls ran at once, a run read to its end. */
import type { ToolContext } from '../../backend/src/core/tools/types';

export const toolContext = (): ToolContext => ({
  actorId: 'a',
  region: 'us-east-1',
  signal: new AbortController().signal,
});

/** Wrap each call's work in `hold`: it lasts a few milliseconds, and `peak` is the most held at once. */
export class ConcurrencyMeter {
  peak = 0;
  private running = 0;

  reset(): void {
    this.peak = this.running = 0;
  }

  async hold<T>(work: () => T): Promise<T> {
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return work();
    } finally {
      this.running--;
    }
  }
}

/** Every event a generator yields, and what it returns. */
export async function readAll<E, R>(gen: AsyncGenerator<E, R>): Promise<{ events: E[]; result: R }> {
  const events: E[] = [];
  let step = await gen.next();
  for (; !step.done; step = await gen.next()) events.push(step.value);
  return { events, result: step.value };
}
