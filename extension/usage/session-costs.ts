/**
 * Each stored session's tokens and estimated cost for the Sessions tree: the backend's own count
 * (`Session.usage` on listSessions, every session however old), else what this window saw of it
 * (an older backend). One instance, made at activation and handed to the tree and the chat's usage
 * wiring. No `vscode`: unit-tested.
 */
import type { ModelUsage, Session } from '../../backend/src/protocol';
import { costOf, formatUsd, priceFor, shortUsageLine, usageLine } from '../../shared/prices';
import { displayText } from '../common/display-text';
import type { SessionUsage } from './session-usage';

export interface SessionCostLines {
  /** For the tree item's description: "~$0.045", or "12.3k tokens" when the model has no price. */
  short: string;
  /** For the tooltip: "12,345 in (10,000 cached) · 678 out · ~$0.045". */
  line: string;
  /** The model of the session's last answer, as the backend names it (display-safe). */
  model?: string;
  /** Where the figures come from: the backend's count, or this window's memory of the session. */
  source: 'backend' | 'window';
}

/** What the tree asks; the tree imports this type only, never the wiring that fills it. */
export interface SessionCostSource {
  describe(session: Session): SessionCostLines | undefined;
  forget(sessionId: string): void;
}

export class SessionCosts implements SessionCostSource {
  private modelId = '';
  private overrides: unknown = {};

  constructor(private readonly seen: SessionUsage) {}

  /** The configured model (priced when a session's usage names none) and the price overrides setting. */
  setPricing(modelId: string, overrides: unknown): void {
    this.modelId = modelId.trim();
    this.overrides = overrides ?? {};
  }

  /** This window's running total of a session (the chat saw a turn); true when it changed. */
  remember(sessionId: string, usage: ModelUsage): boolean {
    return this.seen.remember(sessionId, usage);
  }

  forget(sessionId: string): void {
    this.seen.forget(sessionId);
  }

  /** The backend's count when it gives one, else this window's. */
  usageOf(session: Session): { usage: ModelUsage; source: SessionCostLines['source'] } | undefined {
    const reported = session.usage;
    if (reported && isCount(reported.inputTokens) && isCount(reported.outputTokens))
      return { usage: reported, source: 'backend' };
    const seen = this.seen.get(session.sessionId);
    return seen ? { usage: seen, source: 'window' } : undefined;
  }

  describe(session: Session): SessionCostLines | undefined {
    const found = this.usageOf(session);
    if (!found) return undefined;
    const { usage, source } = found;
    // Priced by the model that answered last (a session's answers rarely change model), else the configured one.
    const price = priceFor(usage.modelId || this.modelId, this.overrides);
    const model = usage.modelId ? displayText(usage.modelId, 80) : undefined;
    return {
      short: price ? `~${formatUsd(costOf(usage, price))}` : shortUsageLine(usage, undefined),
      line: usageLine(usage, price),
      ...(model ? { model } : {}),
      source,
    };
  }
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}
