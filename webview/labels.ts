/**
 * Texts the chat view shows around the conversation, free of the DOM so they are unit-tested in
 * Node: usage lines, setup steps, the spent-budget banner, the summary marker, approvers. Times are
 * the user's own (the webview runs where the user is).
 */
import type { Approver } from '../backend/src/protocol';
import { answerPrice, type ConversationState, type SetupKind } from '../shared/conversation-state';
import {
  costOf,
  formatUsd,
  inputBreakdown,
  modelName,
  tokensText,
  withCost,
  type ModelUsage,
} from '../shared/prices';
import type { FixAction } from '../shared/webview-protocol';

/** Formatting options, fixed in tests; the user's locale and time zone otherwise. */
export interface TimeOptions {
  locale?: string;
  timeZone?: string;
}

/** One answer's usage line: tokens and price, the model that answered, and the whole story as a tooltip. */
export function usageParts(
  usage: ModelUsage,
  pricing: ConversationState['pricing'],
): { tokens: string; model?: string; title: string } {
  const price = answerPrice(usage, pricing);
  const modelId = usage.modelId?.trim();
  const tokens = withCost(tokensText(usage), price ? costOf(usage, price) : undefined);
  const title = [
    ...(modelId ? [`Answered by ${modelName(modelId)} (${modelId})`] : []),
    inputBreakdown(usage),
    `${Math.max(0, Math.round(usage.outputTokens)).toLocaleString('en-US')} output tokens`,
    price ? `About ${formatUsd(costOf(usage, price))} at list prices` : 'No price known for this model',
  ].join('\n');
  return { tokens, ...(modelId ? { model: modelName(modelId) } : {}), title };
}

export interface SetupStepView {
  icon: string;
  /** The buttons, the fix first. */
  actions: { label: string; icon: string; action: FixAction }[];
}

const CONFIGURE = { label: 'Configure Backend', icon: 'settings-gear', action: 'configure' } as const;

/** What each setup step offers: the action that fixes it, then Configure Backend. */
export const SETUP_STEPS: Record<SetupKind, SetupStepView> = {
  awsCredentials: { icon: 'key', actions: [{ ...CONFIGURE }] },
  modelKey: {
    icon: 'key',
    actions: [{ label: 'Set Model API Key…', icon: 'key', action: 'setModelApiKey' }, { ...CONFIGURE }],
  },
  selectModel: {
    icon: 'hubot',
    actions: [{ label: 'Select Model…', icon: 'list-selection', action: 'selectModel' }, { ...CONFIGURE }],
  },
  serverDown: {
    icon: 'debug-disconnect',
    actions: [{ label: 'Check Again', icon: 'refresh', action: 'checkSetup' }, { ...CONFIGURE }],
  },
};

/** A message's `code` spans (`ollama serve`) apart from its plain text, for the setup step. */
export function codeSpans(message: string): { text: string; code: boolean }[] {
  return message
    .split('`')
    .map((text, i) => ({ text, code: i % 2 === 1 }))
    .filter((part) => part.text !== '');
}

/** "today at 19:00", "tomorrow at 02:00", or the date: when a time is, as the user reads it. */
export function whenText(at: Date, now: Date, options: TimeOptions = {}): string {
  const zone = options.timeZone ? { timeZone: options.timeZone } : {};
  // "4:16 PM" where clocks have twelve hours, "16:16" and "01:00" where they have 24.
  const cycle = new Intl.DateTimeFormat(options.locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
  const hour = cycle === 'h12' || cycle === 'h11' ? 'numeric' : '2-digit';
  const time = new Intl.DateTimeFormat(options.locale, { hour, minute: '2-digit', ...zone }).format(at);
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { dateStyle: 'short', ...zone }).format(d);
  const tomorrow = new Date(now.getTime() + 86_400_000);
  const yesterday = new Date(now.getTime() - 86_400_000);
  if (day(at) === day(now)) return `today at ${time}`;
  if (day(at) === day(tomorrow)) return `tomorrow at ${time}`;
  if (day(at) === day(yesterday)) return `yesterday at ${time}`;
  const date = new Intl.DateTimeFormat(options.locale, { dateStyle: 'medium', ...zone }).format(at);
  return `on ${date} at ${time}`;
}

/** The spent-budget banner: when it renews (the user's time), or that it has. */
export function quotaText(renewsAt: Date, now: Date, options: TimeOptions = {}): string {
  if (now.getTime() >= renewsAt.getTime())
    return 'Your daily token budget has renewed: Retry sends your question again.';
  return `Your daily token budget is spent. It renews ${whenText(renewsAt, now, options)} (your time); you can ask again then.`;
}

/** "Approved by alice@example.com today at 14:03": the name, else the id the sign-in gave. */
export function approverText(approver: Approver, now: Date, options: TimeOptions = {}): string {
  const who = approver.name?.trim() || approver.sub;
  const at = new Date(approver.at);
  return Number.isNaN(at.getTime())
    ? `Approved by ${who}`
    : `Approved by ${who} ${whenText(at, now, options).replace(/^today /, '')}`;
}

/** "Needs an approver (group approvers)", naming the groups whose members may approve, when known. */
export function needsApproverText(groups: readonly string[] | undefined): string {
  const names = (groups ?? []).map((g) => g.trim()).filter(Boolean);
  if (!names.length) return 'Needs an approver';
  return `Needs an approver (group${names.length > 1 ? 's' : ''} ${names.join(', ')})`;
}

/** What a person who may not approve can do about it. */
export function askApproverText(groups: readonly string[] | undefined): string {
  const names = (groups ?? []).map((g) => g.trim()).filter(Boolean);
  const who = names.length ? `a member of ${names.join(' or ')}` : 'someone who may approve changes';
  return `You may deny this call, not approve it. Ask ${who} to run it: Copy Call copies the exact call to send them.`;
}

/**
 * A waiting call's reason as a person who may not approve reads it: not asked to type a
 * confirmation, nor told the call waits for their approval.
 */
export function nonApproverReason(reason: string, confirmText?: string): string {
  let text = reason.replace(/waiting for your approval/g, 'waiting for an approver');
  if (confirmText) {
    const quoted = confirmText.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    text = text.replace(new RegExp(`\\s*Type ["“]?${quoted}["”]? to approve[^.]*\\.`), '');
  }
  return text.trim() || reason;
}

export const SUMMARY_LABEL = 'Earlier conversation summarized';

/** What the summary marker says when opened, besides the summary itself. */
export function summaryNote(hasText: boolean): string {
  return hasText
    ? 'The model reads the turns above as this summary it wrote; they stay here in full.'
    : 'The model reads the turns above as a summary it wrote; they stay here in full.';
}
