/**
 * The conversation as the chat view shows it, and the one reducer that applies contract events to
 * it. The extension keeps the authoritative copy (so the view survives being hidden or reloaded);
 * the webview applies the same events to its copy as they stream.
 */
import * as z from 'zod';
import {
  ApprovalDetails,
  ApprovalTarget,
  FailureCode,
  type StreamEvent,
  type Turn,
} from '../backend/src/protocol';

const ToolStatus = z.enum(['running', 'success', 'error', 'denied', 'pending']);

export const Item = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), text: z.string() }),
  z.object({
    kind: z.literal('assistant'),
    text: z.string(),
    streaming: z.boolean(),
    interrupted: z.boolean().optional(),
    /** The user stopped it (or a resumed turn ended unfinished): marked "Stopped". */
    stopped: z.boolean().optional(),
    /** The model tokens of the turn this answer ends, shown quietly under it. */
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }).optional(),
  }),
  z.object({
    kind: z.literal('tool'),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
    readOnly: z.boolean(),
    status: ToolStatus,
    summary: z.string().optional(),
    /** The whole result, shown pretty-printed when the card is expanded. */
    output: z.string().optional(),
  }),
  z.object({
    kind: z.literal('approval'),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
    reason: z.string(),
    confirmText: z.string().optional(),
    /** What approving will do beyond the input (a change set's resource changes), shown in full. */
    details: ApprovalDetails.optional(),
    /** The AWS account and region the call will run in. */
    target: ApprovalTarget.optional(),
    decision: z.enum(['approve', 'deny']).optional(),
    /** What the call returned once decided (the card is the call's only card). */
    result: z
      .object({
        status: z.enum(['success', 'error', 'denied']),
        summary: z.string(),
        output: z.string().optional(),
      })
      .optional(),
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
      code: FailureCode,
      message: z.string(),
      retryable: z.boolean(),
      actions: z.array(z.enum(['signIn', 'configure', 'showLogs', 'retry'])),
    })
    .optional(),
  /** Who and where ("alice@example.com · http"); the status bar shows it, the view does not. */
  connection: z.string().optional(),
  /** A setup step the empty chat shows before anything can work (set by the extension). */
  setup: z.object({ kind: z.enum(['awsCredentials']), message: z.string() }).optional(),
  /** USD per million tokens of the model in use, when known (set by the extension): prices usage. */
  price: z.object({ input: z.number(), output: z.number() }).optional(),
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
        items[card] = {
          ...approval,
          result: {
            status: event.status,
            summary: event.summary,
            ...(event.output !== undefined ? { output: event.output } : {}),
          },
        };
        return { ...state, items };
      }
      const i = items.findLastIndex((it) => it.kind === 'tool' && it.id === event.id);
      const item: Item =
        i >= 0
          ? {
              ...(items[i] as Extract<Item, { kind: 'tool' }>),
              status: event.status,
              summary: event.summary,
              ...(event.output !== undefined ? { output: event.output } : {}),
            }
          : {
              kind: 'tool',
              id: event.id,
              name: event.name,
              input: undefined,
              readOnly: false,
              status: event.status,
              summary: event.summary,
              ...(event.output !== undefined ? { output: event.output } : {}),
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
      return {
        ...state,
        items: withUsage(items, { inputTokens: event.inputTokens, outputTokens: event.outputTokens }),
      };
    case 'summary':
      // The marker itself comes with the session's `summary` on resume; the live turn goes on.
      return state;
    case 'done':
      closeStreaming();
      if (event.stopReason === 'cancelled') markStopped(items);
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

/**
 * Puts a turn's usage on its answer: the last answer since the last question (a turn of tool calls
 * only gets an empty one). A continued turn (after an approval) adds to what it already had.
 */
function withUsage(items: Item[], usage: { inputTokens: number; outputTokens: number }): Item[] {
  const question = items.findLastIndex((it) => it.kind === 'user');
  const i = items.findLastIndex((it, index) => index > question && it.kind === 'assistant');
  if (i < 0) {
    items.push({ kind: 'assistant', text: '', streaming: false, usage });
    return items;
  }
  const answer = items[i] as Extract<Item, { kind: 'assistant' }>;
  const before = answer.usage;
  items[i] = {
    ...answer,
    usage: before
      ? {
          inputTokens: before.inputTokens + usage.inputTokens,
          outputTokens: before.outputTokens + usage.outputTokens,
        }
      : usage,
  };
  return items;
}

/** The tokens of the whole conversation shown, when any answer knows its own. */
export function sessionUsage(
  state: ConversationState,
): { inputTokens: number; outputTokens: number } | undefined {
  let total: { inputTokens: number; outputTokens: number } | undefined;
  for (const it of state.items) {
    if (it.kind !== 'assistant' || !it.usage) continue;
    total = {
      inputTokens: (total?.inputTokens ?? 0) + it.usage.inputTokens,
      outputTokens: (total?.outputTokens ?? 0) + it.usage.outputTokens,
    };
  }
  return total;
}

/** Marks the answer of the turn that was stopped; a turn stopped before any text gets an empty one. */
function markStopped(items: Item[]): void {
  const last = items.at(-1);
  if (last?.kind === 'assistant') items[items.length - 1] = { ...last, stopped: true };
  else items.push({ kind: 'assistant', text: '', streaming: false, stopped: true });
}

/** The buttons an error banner offers, by what would fix it. */
export function actionsFor(code: FailureCode, retryable: boolean): Fix[] {
  return [...FIXES[code], ...(retryable || code === 'unreachable' ? (['retry'] as const) : []), 'showLogs'];
}

type Fix = 'signIn' | 'configure' | 'showLogs' | 'retry';
/** What fixes each code, before Retry and Show Logs: every code has an entry, so a new one must say. */
const FIXES: Record<FailureCode, Fix[]> = {
  unauthorized: ['signIn'],
  forbidden: ['configure'],
  not_configured: ['configure'],
  unreachable: ['configure'],
  aws_credentials: ['configure'],
  model_access_denied: ['configure'],
  model_rejected: ['configure'],
  invalid_request: [],
  not_found: [],
  method_not_allowed: [],
  payload_too_large: [],
  throttled: [],
  internal: [],
  unavailable: [],
  // Set Model API Key… and Select Model… live in the configure step of local mode.
  model_auth: ['configure'],
  model_not_found: ['configure'],
  context_too_long: [],
  quota_exceeded: [],
};

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
  return items;
}

/** Approval cards still waiting for a decision. */
export function openApprovals(state: ConversationState): Extract<Item, { kind: 'approval' }>[] {
  return state.items.filter(
    (it): it is Extract<Item, { kind: 'approval' }> => it.kind === 'approval' && it.decision === undefined,
  );
}
