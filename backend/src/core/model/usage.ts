/**
 * Token counts as a provider reports them, made fit to add, show and spend. A server behind an
 * OpenAI-compatible base URL may send anything: a negative figure (which would let a turn slip
 * past the daily budget), a string (which `+` would concatenate), a fraction, `1e400` (parsed as
 * Infinity) or `1e300` (which the token counter refuses, so the whole turn went uncounted).
 */
import type { Usage } from './types';

/**
 * The most one figure of one call counts: far above any model's window, and far enough below
 * Number.MAX_SAFE_INTEGER that a turn's sum and a day's counter stay exact integers.
 */
export const MAX_CALL_TOKENS = 1_000_000_000;

/** A reported figure as a count: a non-negative integer, at most MAX_CALL_TOKENS; junk counts 0. */
export function tokenCount(value: unknown): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
  if (Number.isNaN(n) || n <= 0) return 0;
  return Math.min(MAX_CALL_TOKENS, Math.ceil(n));
}

/** `usage` with every figure a count; the cache fields only where there were any. */
export function cleanUsage(usage: Usage): Usage {
  const cacheRead = tokenCount(usage.cacheReadTokens);
  const cacheWrite = tokenCount(usage.cacheWriteTokens);
  return {
    inputTokens: tokenCount(usage.inputTokens),
    outputTokens: tokenCount(usage.outputTokens),
    ...(cacheRead ? { cacheReadTokens: cacheRead } : {}),
    ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}),
  };
}
