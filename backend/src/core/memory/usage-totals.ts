/**
 * A session's model usage so far: the sum of its turns' token counts and the model of the latest
 * turn that named one. Every store keeps it on the session as turns are appended.
 */
import type { ModelUsage } from '../../protocol';

const TOKEN_FIELDS = ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens'] as const;

/** `total` plus one turn's `usage`; a session whose turns never had usage has none. */
export function addUsage(
  total: ModelUsage | undefined,
  usage: ModelUsage | undefined,
): ModelUsage | undefined {
  if (!usage) return total;
  const next: ModelUsage = { inputTokens: 0, outputTokens: 0 };
  for (const field of TOKEN_FIELDS) {
    const before = total?.[field];
    const add = tokens(usage[field]);
    if (before === undefined && usage[field] === undefined) continue;
    next[field] = tokens(before) + add;
  }
  const modelId = typeof usage.modelId === 'string' ? usage.modelId : total?.modelId;
  if (modelId !== undefined) next.modelId = modelId;
  return next;
}

/** A count as stored: a stranger's NaN, negative or fractional figure never poisons the sum. */
function tokens(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
