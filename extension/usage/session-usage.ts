/**
 * What each conversation has cost, as far as this window has seen it (sessions opened or chatted in
 * here), kept in a memento so the Sessions tree still knows it after a reload when the backend
 * does not report a session's usage itself (an older backend). Bounded: the most recently seen
 * sessions only. No `vscode`: unit-tested with a map-backed memento.
 */
import type { ModelUsage } from '../../backend/src/protocol';

export interface UsageMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

const KEY = 'cloudEngineer.sessionUsage';
export const MAX_REMEMBERED = 500;

export class SessionUsage {
  private readonly known: Map<string, ModelUsage>;

  constructor(private readonly memento: UsageMemento) {
    const stored = memento.get<Record<string, unknown>>(KEY);
    this.known = new Map();
    for (const [id, value] of Object.entries(stored && typeof stored === 'object' ? stored : {})) {
      const usage = cleanUsage(value);
      if (usage) this.known.set(id, usage);
    }
  }

  get(sessionId: string): ModelUsage | undefined {
    return this.known.get(sessionId);
  }

  /** Records a session's total; true when it changed (the tree redraws). */
  remember(sessionId: string, usage: ModelUsage): boolean {
    const clean = cleanUsage(usage);
    if (!clean) return false;
    const before = this.known.get(sessionId);
    if (before && JSON.stringify(before) === JSON.stringify(clean)) return false;
    this.known.delete(sessionId); // re-inserted last: Map order is recency
    this.known.set(sessionId, clean);
    while (this.known.size > MAX_REMEMBERED) this.known.delete(this.known.keys().next().value!);
    void this.memento.update(KEY, Object.fromEntries(this.known));
    return true;
  }

  forget(sessionId: string): void {
    if (this.known.delete(sessionId)) void this.memento.update(KEY, Object.fromEntries(this.known));
  }
}

/** The counts and model of a stored entry, in a fixed key order; undefined when it is not usage. */
function cleanUsage(value: unknown): ModelUsage | undefined {
  const usage = value as Partial<ModelUsage> | null;
  if (!usage || typeof usage !== 'object' || !isCount(usage.inputTokens) || !isCount(usage.outputTokens))
    return undefined;
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    ...(isCount(usage.cacheReadTokens) && usage.cacheReadTokens
      ? { cacheReadTokens: usage.cacheReadTokens }
      : {}),
    ...(isCount(usage.cacheWriteTokens) && usage.cacheWriteTokens
      ? { cacheWriteTokens: usage.cacheWriteTokens }
      : {}),
    ...(typeof usage.modelId === 'string' && usage.modelId && usage.modelId.length <= 256
      ? { modelId: usage.modelId }
      : {}),
  };
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}
