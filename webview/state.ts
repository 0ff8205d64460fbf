/**
 * The conversation as the chat view shows it, and the one reducer that applies contract events to
 * it. The extension keeps the authoritative copy (so the view survives being hidden or reloaded);
 * the webview applies the same events to its copy as they stream.
 */
import { z } from 'zod';
import type { StreamEvent, Turn } from '../backend/src/protocol';

const ToolStatus = z.enum(['running', 'success', 'error', 'denied', 'pending']);

export const Item = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), text: z.string() }),
  z.object({
    kind: z.literal('assistant'),
    text: z.string(),
    streaming: z.boolean(),
    interrupted: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal('tool'),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
    readOnly: z.boolean(),
    status: ToolStatus,
    summary: z.string().optional(),
  }),
  z.object({
    kind: z.literal('approval'),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
    reason: z.string(),
    confirmText: z.string().optional(),
    decision: z.enum(['approve', 'deny']).optional(),
    /** What the call returned once decided (the card is the call's only card). */
    result: z.object({ status: z.enum(['success', 'error', 'denied']), summary: z.string() }).optional(),
  }),
  z.object({
    kind: z.literal('notice'),
    stage: z.enum(['input', 'output', 'tool']),
    action: z.enum(['blocked', 'redacted']),
    categories: z.array(z.string()),
    message: z.string(),
  }),
]);
export type Item = z.infer<typeof Item>;

export const ConversationState = z.object({
  sessionId: z.string().optional(),
  title: z.string().optional(),
  items: z.array(Item),
  busy: z.boolean(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      retryable: z.boolean(),
      actions: z.array(z.enum(['signIn', 'configure', 'showLogs', 'retry'])),
    })
    .optional(),
  /** Who and where, for the view's header: "alice@example.com · http". */
  connection: z.string().optional(),
});
export type ConversationState = z.infer<typeof ConversationState>;

export const emptyState = (connection?: string): ConversationState => ({
  items: [],
  busy: false,
  ...(connection ? { connection } : {}),
});

/** Applies one contract event. Pure: returns a new state, shares untouched items. */
export function applyEvent(state: ConversationState, event: StreamEvent): ConversationState {
  const items = [...state.items];
  const last = items.at(-1);
  const closeStreaming = () => {
    const i = items.findLastIndex((it) => it.kind === 'assistant' && it.streaming);
    if (i >= 0) items[i] = { ...(items[i] as Extract<Item, { kind: 'assistant' }>), streaming: false };
  };
  switch (event.type) {
    case 'session':
      return { ...state, sessionId: event.sessionId, title: event.title };
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
      const card = items.findLastIndex((it) => it.kind === 'approval' && it.id === event.id);
      if (card >= 0) {
        const approval = items[card] as Extract<Item, { kind: 'approval' }>;
        items[card] = { ...approval, result: { status: event.status, summary: event.summary } };
        return { ...state, items };
      }
      const i = items.findLastIndex((it) => it.kind === 'tool' && it.id === event.id);
      const item: Item =
        i >= 0
          ? { ...(items[i] as Extract<Item, { kind: 'tool' }>), status: event.status, summary: event.summary }
          : {
              kind: 'tool',
              id: event.id,
              name: event.name,
              input: undefined,
              readOnly: false,
              status: event.status,
              summary: event.summary,
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
    case 'usage':
      return state;
    case 'done':
      closeStreaming();
      return { ...state, items, busy: false };
    case 'error':
      closeStreaming();
      return {
        ...state,
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

/** The buttons an error banner offers, by what would fix it. */
export function actionsFor(
  code: string,
  retryable: boolean,
): ('signIn' | 'configure' | 'showLogs' | 'retry')[] {
  const fixes: ('signIn' | 'configure' | 'showLogs' | 'retry')[] = [];
  if (code === 'unauthorized') fixes.push('signIn');
  if (['aws_credentials', 'model_access_denied', 'unreachable', 'config', 'not_configured'].includes(code))
    fixes.push('configure');
  if (retryable || code === 'unreachable') fixes.push('retry');
  fixes.push('showLogs');
  return fixes;
}

/** The items of a stored conversation; calls still waiting on the last turn come back as cards. */
export function turnsToItems(turns: Turn[]): Item[] {
  const items: Item[] = [];
  for (const [index, turn] of turns.entries()) {
    if (turn.role === 'user') {
      items.push({ kind: 'user', text: turn.text });
      continue;
    }
    const isLast = index === turns.length - 1;
    for (const call of turn.toolCalls ?? []) {
      if (call.status === 'pending' && isLast) {
        items.push({
          kind: 'approval',
          id: call.id,
          name: call.name,
          input: call.input,
          reason: `${call.name} is waiting for your approval.`,
          ...(call.confirmText ? { confirmText: call.confirmText } : {}),
        });
      } else {
        items.push({
          kind: 'tool',
          id: call.id,
          name: call.name,
          input: call.input,
          readOnly: true,
          status: call.status === 'pending' ? 'denied' : call.status,
        });
      }
    }
    if (turn.text)
      items.push({
        kind: 'assistant',
        text: turn.text,
        streaming: false,
        ...(turn.status === 'interrupted' ? { interrupted: true } : {}),
      });
  }
  return items;
}

/** Approval cards still waiting for a decision. */
export function openApprovals(state: ConversationState): Extract<Item, { kind: 'approval' }>[] {
  return state.items.filter(
    (it): it is Extract<Item, { kind: 'approval' }> => it.kind === 'approval' && it.decision === undefined,
  );
}
