/**
 * A budget per user: USER_DAILY_TOKENS input plus output tokens per verified user per UTC day,
 * counted in the memory store's backend so it holds across processes, Lambda instances and
 * microVMs. Checked before a new chat reaches the model; a turn in progress is never cut off.
 */
import type { ServiceDeps } from '../deps';
import { QuotaExceededError } from '../errors';

/** `YYYY-MM-DD` of `now` in UTC: the counter's day. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function secondsToNextUtcDay(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

/** Throws `QuotaExceededError` (429) when the caller's tokens for today are spent. */
export async function checkQuota(deps: ServiceDeps, actorId: string): Promise<void> {
  const limit = deps.userDailyTokens;
  if (!limit) return;
  const now = deps.now();
  const used = await deps.memory.tokensUsed(actorId, utcDay(now));
  if (used < limit) return;
  const wait = secondsToNextUtcDay(now);
  throw new QuotaExceededError(
    `You have used today's ${limit.toLocaleString('en-US')} tokens (${used.toLocaleString('en-US')} so far). Your budget renews at 00:00 UTC, in ${duration(wait)}.`,
    wait,
  );
}

/**
 * The most one turn adds to a day's counter: more than any budget, and so far below
 * Number.MAX_SAFE_INTEGER that the counter stays a safe integer (the stores drop one that is not).
 */
const MAX_TURN_TOKENS = 1_000_000_000_000;

/** Adds a turn's tokens to the caller's day; never fails the turn (the answer is already out). */
export async function spendTokens(deps: ServiceDeps, actorId: string, tokens: number): Promise<void> {
  // NaN is not above 0: nothing to count. The stores take only non-negative safe integers and
  // refuse anything else, which left a whole turn uncounted (a fraction, or 1e300 from a hostile
  // server): a figure is rounded up and capped, so a huge one spends the budget instead.
  if (!deps.userDailyTokens || !(tokens > 0)) return;
  const count = Math.min(MAX_TURN_TOKENS, Math.ceil(tokens));
  try {
    await deps.memory.addTokens(actorId, utcDay(deps.now()), count);
  } catch (error) {
    deps.log.error('could not count the turn against the daily budget', { error });
  }
}

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.ceil((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}
