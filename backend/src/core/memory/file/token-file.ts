/**
 * An actor's daily token counters in the file store: `tokens.json` in the actor's folder, beside
 * the index, replaced whole and flushed on every add. Adds to one file run one at a time across
 * every store instance of the process (the queue is per file, not per instance); each reads the
 * file afresh, so no instance answers from a stale copy. Days older than a week before the newest
 * one counted are dropped as the file is rewritten.
 */
import { join } from 'node:path';
import { COUNTER_KEEP_DAYS } from '../token-counter';
import { readJson, writeDurably } from './durable-file';

const FILE = 'tokens.json';
const KEEP_MS = (COUNTER_KEEP_DAYS + 4) * 86_400_000;
const queues = new Map<string, Promise<unknown>>();

export async function tokensInFile(dir: string, day: string): Promise<number> {
  return (await load(join(dir, FILE))).get(day) ?? 0;
}

export function addTokensInFile(dir: string, day: string, tokens: number): Promise<number> {
  const file = join(dir, FILE);
  const previous = queues.get(file) ?? Promise.resolve();
  const next = previous
    .catch(() => {})
    .then(async () => {
      const days = await load(file);
      const total = (days.get(day) ?? 0) + tokens;
      days.set(day, total);
      const newest = Math.max(...[...days.keys()].map((d) => Date.parse(d)));
      const kept = [...days].filter(([d]) => Date.parse(d) >= newest - KEEP_MS);
      await writeDurably(file, dir, JSON.stringify({ v: 1, days: Object.fromEntries(kept) }));
      return total;
    });
  queues.set(file, next);
  // The queue forgets a file once its last add settles, so it never grows with the actors seen.
  void next.then(
    () => queues.get(file) === next && queues.delete(file),
    () => queues.get(file) === next && queues.delete(file),
  );
  return next;
}

async function load(file: string): Promise<Map<string, number>> {
  const stored = (await readJson(file)) as { days?: unknown } | undefined;
  const days = new Map<string, number>();
  const raw = stored && typeof stored === 'object' ? stored.days : undefined;
  if (raw && typeof raw === 'object')
    for (const [day, value] of Object.entries(raw as Record<string, unknown>))
      if (/^\d{4}-\d{2}-\d{2}$/.test(day) && Number.isSafeInteger(value) && (value as number) >= 0)
        days.set(day, value as number);
  return days;
}
