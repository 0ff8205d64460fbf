/**
 * The one reducer that applies contract events to the conversation as the chat view shows it. The
 * extension keeps the authoritative copy (so the view survives being hidden or reloaded); the
 * webview applies the same events to its copy as they stream.
 */
import type { StreamEvent } from '../backend/src/protocol';
import type { ConversationState, Item, ItemOf } from './conversation-items';
import { actionsFor } from './error-fixes';
import { addUsage, costOf, priceFor, type ModelUsage, type Price } from './prices';
import { placeSummary } from './stored-conversation';

export * from './conversation-items';
export { actionsFor, quotaRenewsAt, setupStepFor } from './error-fixes';
export { placeSummary, turnsToItems, withApprovalRights } from './stored-conversation';

/** Applies one contract event. Pure: returns a new state, shares untouched items. */
export function applyEvent(state: ConversationState, event: StreamEvent): ConversationState {
  const items = [...state.items];
  const last = items.at(-1);
  const closeStreaming = () => {
    const i = items.findLastIndex((it) => it.kind === 'assistant' && it.streaming);
    if (i >= 0) items[i] = { ...(items[i] as ItemOf<'assistant'>), streaming: false };
  };
  switch (event.type) {
    case 'session':
      return { ...numberQuestion(state, items), sessionId: event.sessionId, title: event.title };
    case 'text':
      if (last?.kind === 'assistant' && last.streaming)
        items[items.length - 1] = { ...last, text: last.text + event.text };
      else items.push({ kind: 'assistant', text: event.text, streaming: true });
      return { ...state, items };
    case 'tool_call':
      closeStreaming();
      // A mutating call gets its approval card next; that card is the call's only card.
      if (event.readOnly)
        items.push({
          kind: 'tool',
          id: event.id,
          name: event.name,
          input: event.input,
          readOnly: true,
          status: 'running',
        });
      return { ...state, items };
    case 'tool_result': {
      const output = event.output !== undefined ? { output: event.output } : {};
      const approvedBy = event.approvedBy ? { approvedBy: event.approvedBy } : {};
      const card = items.findLastIndex((it) => it.kind === 'approval' && it.id === event.id);
      if (card >= 0) {
        const approval = items[card] as ItemOf<'approval'>;
        items[card] = {
          ...approval,
          result: { status: event.status, summary: event.summary, ...output, ...approvedBy },
        };
        return { ...state, items };
      }
      const i = items.findLastIndex((it) => it.kind === 'tool' && it.id === event.id);
      const item: Item =
        i >= 0
          ? {
              ...(items[i] as ItemOf<'tool'>),
              status: event.status,
              summary: event.summary,
              ...output,
              ...approvedBy,
            }
          : {
              kind: 'tool',
              id: event.id,
              name: event.name,
              input: undefined,
              readOnly: false,
              status: event.status,
              summary: event.summary,
              ...output,
              ...approvedBy,
            };
      if (i >= 0) items[i] = item;
      else items.push(item);
      return { ...state, items };
    }
    case 'approval_required':
      closeStreaming();
      items.push({
        kind: 'approval',
        id: event.id,
        name: event.name,
        input: event.input,
        reason: event.reason,
        ...(event.confirmText ? { confirmText: event.confirmText } : {}),
        ...(event.details ? { details: event.details } : {}),
        ...(event.target ? { target: event.target } : {}),
        ...(event.canApprove === false ? { canApprove: false } : {}),
        ...(event.canApprove === false && event.approverGroups?.length
          ? { approverGroups: event.approverGroups }
          : {}),
      });
      return { ...state, items };
    case 'guardrail':
      items.push({
        kind: 'notice',
        stage: event.stage,
        action: event.action,
        categories: event.categories,
        message: event.message,
      });
      return { ...state, items };
    case 'usage': {
      const { type: _type, ...usage } = event;
      return { ...state, items: withUsage(items, usage) };
    }
    case 'summary':
      return { ...state, items: placeSummary(items, event.keepFrom) };
    case 'done':
      closeStreaming();
      if (event.stopReason === 'cancelled') markStopped(items);
      return { ...answerStored(state), items, busy: false };
    case 'error':
      closeStreaming();
      return {
        ...answerStored(state),
        items: items.map((it) =>
          it.kind === 'assistant' && it === items.at(-1) ? { ...it, interrupted: true } : it,
        ),
        busy: false,
        error: {
          code: event.code,
          message: event.message,
          retryable: event.retryable,
          actions: actionsFor(event.code, event.retryable),
        },
      };
  }
}

/**
 * A turn's stream begins with `session` once the backend has stored what was sent: the newest
 * question not yet numbered is stored turn `storedTurns` (a decision is stored too, with no question).
 */
function numberQuestion(state: ConversationState, items: Item[]): ConversationState {
  if (state.storedTurns === undefined) return { ...state, items };
  const i = items.findLastIndex((it) => it.kind === 'user');
  const question = items[i];
  if (question?.kind === 'user' && question.turn === undefined)
    items[i] = { ...question, turn: state.storedTurns };
  return { ...state, items, storedTurns: state.storedTurns + 1 };
}

/** A stream that ends (done, or an error event in it) has had its answer stored as one turn. */
function answerStored(state: ConversationState): ConversationState {
  return state.storedTurns === undefined ? state : { ...state, storedTurns: state.storedTurns + 1 };
}

/**
 * Puts a turn's usage on its answer: the last answer since the last question (a turn of tool calls
 * only gets an empty one). A continued turn (after an approval) adds to what it already had; the
 * model is the latest one's.
 */
function withUsage(items: Item[], usage: ModelUsage): Item[] {
  const question = items.findLastIndex((it) => it.kind === 'user');
  const i = items.findLastIndex((it, index) => index > question && it.kind === 'assistant');
  if (i < 0) {
    items.push({ kind: 'assistant', text: '', streaming: false, usage });
    return items;
  }
  const answer = items[i] as ItemOf<'assistant'>;
  const before = answer.usage;
  const modelId = usage.modelId ?? before?.modelId;
  items[i] = {
    ...answer,
    usage: before ? { ...addUsage([before, usage])!, ...(modelId ? { modelId } : {}) } : usage,
  };
  return items;
}

/** The tokens of the whole conversation shown, when any answer knows its own (cache figures included). */
export function sessionUsage(state: ConversationState): ModelUsage | undefined {
  return addUsage(state.items.map((it) => (it.kind === 'assistant' ? it.usage : undefined)));
}

/** The price of one answer's usage: by the model that answered, else the one configured. */
export function answerPrice(usage: ModelUsage, pricing: ConversationState['pricing']): Price | undefined {
  if (!pricing) return undefined;
  return priceFor(usage.modelId || pricing.modelId, Object.fromEntries(pricing.overrides));
}

/**
 * What the conversation shown has cost: the sum of its answers, each at its own model's price;
 * undefined when any answer's model has no known price (tokens only, never a partial sum).
 */
export function sessionCost(state: ConversationState): number | undefined {
  let total = 0;
  for (const it of state.items) {
    if (it.kind !== 'assistant' || !it.usage) continue;
    const price = answerPrice(it.usage, state.pricing);
    if (!price) return undefined;
    total += costOf(it.usage, price);
  }
  return total;
}

/** Marks the answer of the turn that was stopped; a turn stopped before any text gets an empty one. */
function markStopped(items: Item[]): void {
  const last = items.at(-1);
  if (last?.kind === 'assistant') items[items.length - 1] = { ...last, stopped: true };
  else items.push({ kind: 'assistant', text: '', streaming: false, stopped: true });
}

/** Approval cards still waiting for a decision. */
export function openApprovals(state: ConversationState): ItemOf<'approval'>[] {
  return state.items.filter(
    (it): it is ItemOf<'approval'> => it.kind === 'approval' && it.decision === undefined,
  );
}

/** The exact call of a waiting card, for a person who may approve it: its tool and input as JSON. */
export function callText(card: ItemOf<'approval'>): string {
  return JSON.stringify(
    { tool: card.name, input: card.input ?? {}, ...(card.target ? { runsIn: card.target } : {}) },
    null,
    2,
  );
}
