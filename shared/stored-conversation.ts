/**
 * A stored conversation as chat items (a resume), and the summary marker's place among them, live
 * and on resume.
 */
import type { SessionSummary, Turn } from '../backend/src/protocol';
import type { Item, ItemOf } from './conversation-items';

/**
 * The items of a stored conversation; calls still waiting on the last turn come back as cards,
 * and a summary of the earliest turns as its marker before the turn where the kept ones begin.
 */
export function turnsToItems(turns: Turn[], summary?: Pick<SessionSummary, 'keepFrom' | 'text'>): Item[] {
  const items: Item[] = [];
  for (const [index, turn] of turns.entries()) {
    if (turn.role === 'user') {
      items.push({ kind: 'user', text: turn.text, turn: index });
      continue;
    }
    const isLast = index === turns.length - 1;
    for (const call of turn.toolCalls ?? []) {
      if (call.status === 'pending' && isLast && call.readOnly !== true) {
        items.push({
          kind: 'approval',
          id: call.id,
          name: call.name,
          input: call.input,
          reason: `${call.name} is waiting for your approval.`,
          ...(call.confirmText ? { confirmText: call.confirmText } : {}),
          ...(call.details ? { details: call.details } : {}),
          ...(call.target ? { target: call.target } : {}),
        });
      } else {
        items.push({
          kind: 'tool',
          id: call.id,
          name: call.name,
          input: call.input,
          readOnly: true,
          // A read-only call of the last turn runs once its approvals are decided.
          status: call.status === 'pending' ? (isLast ? 'pending' : 'denied') : call.status,
          ...(call.approvedBy ? { approvedBy: call.approvedBy } : {}),
        });
      }
    }
    const usage = turn.usage ? { usage: turn.usage } : {};
    if (turn.text)
      items.push({
        kind: 'assistant',
        text: turn.text,
        streaming: false,
        ...(turn.status === 'interrupted' ? { stopped: true } : {}),
        ...usage,
      });
    else if (turn.status === 'interrupted')
      items.push({ kind: 'assistant', text: '', streaming: false, stopped: true, ...usage });
    else if (turn.usage) items.push({ kind: 'assistant', text: '', streaming: false, ...usage });
  }
  return summary ? placeSummary(items, summary.keepFrom, summary.text) : items;
}

/**
 * The items with one summary marker, before the question of stored turn `keepFrom` (a newer
 * summary replaces an older one). Where the questions' turns are not known, the marker goes before
 * the newest question: that one is never summarized. Nothing summarized (`keepFrom` 0): no marker.
 */
export function placeSummary(items: readonly Item[], keepFrom: number, text?: string): Item[] {
  const previous = items.find((it): it is ItemOf<'summary'> => it.kind === 'summary');
  const rest = items.filter((it) => it.kind !== 'summary');
  if (keepFrom <= 0) return rest;
  // The text of the same summary stays when the live event (which has none) repeats it.
  const known = text ?? (previous?.keepFrom === keepFrom ? previous.text : undefined);
  const marker: Item = { kind: 'summary', keepFrom, ...(known !== undefined ? { text: known } : {}) };
  let at = rest.findIndex((it) => it.kind === 'user' && it.turn !== undefined && it.turn >= keepFrom);
  if (at < 0) at = rest.findLastIndex((it) => it.kind === 'user');
  return [...rest.slice(0, Math.max(0, at)), marker, ...rest.slice(Math.max(0, at))];
}

/** Who may approve, for waiting cards that do not say (a resume: stored turns do not carry it). */
export function withApprovalRights(
  items: readonly Item[],
  rights: { canApprove?: boolean; approverGroups?: string[] },
): Item[] {
  if (rights.canApprove === undefined) return [...items];
  return items.map((it) =>
    it.kind === 'approval' && it.decision === undefined && it.canApprove === undefined
      ? {
          ...it,
          canApprove: rights.canApprove,
          ...(rights.approverGroups?.length ? { approverGroups: rights.approverGroups } : {}),
        }
      : it,
  );
}
