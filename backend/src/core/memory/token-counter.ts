/**
 * What every store checks of the per-user daily token counter's arguments (USER_DAILY_TOKENS),
 * and how long a day's counter is kept.
 */
import { InvalidRequestError } from '../errors';

/** A day's counter outlives the day by this long (clock skew, a late turn), then expires. */
export const COUNTER_KEEP_DAYS = 3;
const DAY_MS = 86_400_000;

/** The start of `day` (`YYYY-MM-DD`, UTC) in epoch ms; InvalidRequestError for anything else. */
export function checkDay(day: string): number {
  const match = typeof day === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(day) : null;
  const start = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  // Date.UTC rolls 2026-02-30 over into March: a real day reads back as itself.
  if (!match || !Number.isFinite(start) || new Date(start).toISOString().slice(0, 10) !== day)
    throw new InvalidRequestError('day must be a UTC date as YYYY-MM-DD');
  return start;
}

export function checkTokens(tokens: number): void {
  if (typeof tokens !== 'number' || !Number.isSafeInteger(tokens) || tokens < 0)
    throw new InvalidRequestError('tokens must be a non-negative integer');
}

/** Epoch seconds at which a day's counter may be deleted (the table's TTL attribute). */
export function counterExpiry(dayStart: number): number {
  return Math.floor((dayStart + (1 + COUNTER_KEEP_DAYS) * DAY_MS) / 1000);
}
