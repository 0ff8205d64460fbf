/**
 * What each conversation has cost, as far as this window has seen it (sessions opened or chatted in
 * here), kept in a memento so the Sessions tree's tooltips survive a reload. Bounded: the most
 * recently seen sessions only. No `vscode`: unit-tested with a map-backed memento.
 */
import type { Usage } from '../../shared/prices';

export interface UsageMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

const KEY = 'cloudEngineer.sessionUsage';
export const MAX_REMEMBERED = 500;

export class SessionUsage {
  private readonly known: Map<string, Usage>;

  constructor(private readonly memento: UsageMemento) {
    const stored = memento.get<Record<string, unknown>>(KEY);
    this.known = new Map();
    for (const [id, value] of Object.entries(stored && typeof stored === 'object' ? stored : {})) {
      const usage = value as Partial<Usage> | null;
      if (usage && isCount(usage.inputTokens) && isCount(usage.outputTokens))
        this.known.set(id, { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens });
    }
  }

  get(sessionId: string): Usage | undefined {
    return this.known.get(sessionId);
  }

  /** Records a session's total; true when it changed (the tree redraws). */
  remember(sessionId: string, usage: Usage): boolean {
    const before = this.known.get(sessionId);
    if (before?.inputTokens === usage.inputTokens && before.outputTokens === usage.outputTokens) return false;
    this.known.delete(sessionId); // re-inserted last: Map order is recency
    this.known.set(sessionId, usage);
    while (this.known.size > MAX_REMEMBERED) this.known.delete(this.known.keys().next().value!);
    void this.memento.update(KEY, Object.fromEntries(this.known));
    return true;
  }

  forget(sessionId: string): void {
    if (this.known.delete(sessionId)) void this.memento.update(KEY, Object.fromEntries(this.known));
  }
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}
