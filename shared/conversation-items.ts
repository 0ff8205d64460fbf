/**
 * The conversation as the chat view shows it: its items and the state around them, as zod schemas
 * (the webview checks every state it receives). The reducer that changes it lives in
 * conversation-state.ts.
 */
import * as z from 'zod';
import { ApprovalDetails, ApprovalTarget, Approver, FailureCode, ModelUsage } from '../backend/src/protocol';

const ToolStatus = z.enum(['running', 'success', 'error', 'denied', 'pending']);

export const Item = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    text: z.string(),
    /** Its index among the conversation's stored turns, when known: where a summary marker goes. */
    turn: z.number().int().min(0).optional(),
  }),
  z.object({
    kind: z.literal('assistant'),
    text: z.string(),
    streaming: z.boolean(),
    interrupted: z.boolean().optional(),
    /** The user stopped it (or a resumed turn ended unfinished): marked "Stopped". */
    stopped: z.boolean().optional(),
    /** The model tokens of the turn this answer ends and the model that answered, shown quietly under it. */
    usage: ModelUsage.optional(),
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
    /** Who approved the call (it changed AWS under that person's approval). */
    approvedBy: Approver.optional(),
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
    /** False: this user may only deny; a member of `approverGroups` must approve. Absent: may approve. */
    canApprove: z.boolean().optional(),
    approverGroups: z.array(z.string()).optional(),
    decision: z.enum(['approve', 'deny']).optional(),
    /** What the call returned once decided (the card is the call's only card). */
    result: z
      .object({
        status: z.enum(['success', 'error', 'denied']),
        summary: z.string(),
        output: z.string().optional(),
        approvedBy: Approver.optional(),
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
  /**
   * The turns before `keepFrom` reach the model as a summary (the conversation outgrew its
   * context): a collapsed marker where the kept turns begin, with the summary's text when known.
   */
  z.object({ kind: z.literal('summary'), keepFrom: z.number().int().min(0), text: z.string().optional() }),
]);
export type Item = z.infer<typeof Item>;
export type ItemOf<K extends Item['kind']> = Extract<Item, { kind: K }>;

/** The setup steps the empty chat shows, each with the action that fixes it. */
export const SetupKind = z.enum(['awsCredentials', 'modelKey', 'selectModel', 'serverDown']);
export type SetupKind = z.infer<typeof SetupKind>;

export const ErrorAction = z.enum(['signIn', 'configure', 'showLogs', 'retry']);
export type ErrorAction = z.infer<typeof ErrorAction>;

const Rate = z.number().min(0);
/** How the usage lines are priced: each answer by the model that gave it, else the configured one. */
export const Pricing = z.object({
  /** The model configured (local mode) or set for a deployed backend: prices usage without a model id. */
  modelId: z.string(),
  /** The `cloudEngineer.usage.prices` entries that are prices, as `[id, price]`. */
  overrides: z.array(
    z.tuple([
      z.string(),
      z.object({ input: Rate, output: Rate, cacheRead: Rate.optional(), cacheWrite: Rate.optional() }),
    ]),
  ),
});
export type Pricing = z.infer<typeof Pricing>;

export const ConversationState = z.object({
  sessionId: z.string().optional(),
  title: z.string().optional(),
  items: z.array(Item),
  busy: z.boolean(),
  /**
   * How many turns the backend has stored for this conversation, as far as this client can tell
   * (undefined once it cannot): numbers the questions, so a summary marker finds its place live.
   */
  storedTurns: z.number().int().min(0).optional(),
  error: z
    .object({
      code: FailureCode,
      message: z.string(),
      retryable: z.boolean(),
      actions: z.array(ErrorAction),
      /** `quota_exceeded`: when the daily budget renews (ISO 8601); Retry is offered from then on. */
      renewsAt: z.string().optional(),
    })
    .optional(),
  /** Who and where ("alice@example.com · http"); the status bar shows it, the view does not. */
  connection: z.string().optional(),
  /** A setup step the empty chat shows before anything can work (set by the extension). */
  setup: z.object({ kind: SetupKind, message: z.string() }).optional(),
  /** How usage is priced (set by the extension); absent: tokens only. */
  pricing: Pricing.optional(),
});
export type ConversationState = z.infer<typeof ConversationState>;

export const emptyState = (connection?: string): ConversationState => ({
  items: [],
  busy: false,
  storedTurns: 0,
  ...(connection ? { connection } : {}),
});
