/**
 * The invocation contract (shared/CONTRACT.md, v1) as zod schemas. The extension, the webview and
 * every backend host import these; the TypeScript types are inferred from them so nothing restates
 * the contract.
 */
import * as z from 'zod';
import { FAILURE_CODES } from './failures';

export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
export const BODY_LIMIT_BYTES = 256 * 1024;
export const MESSAGE_LIMIT_BYTES = 32 * 1024;
export const TITLE_MAX_CHARS = 120;

export const SessionId = z
  .string()
  .regex(SESSION_ID_PATTERN, 'sessionId must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$');

/**
 * Model tokens. `inputTokens` counts every input token, cached ones included; `cacheReadTokens`
 * of them were read from the provider's prompt cache, `cacheWriteTokens` written to it.
 */
export const Usage = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number().optional(),
  cacheWriteTokens: z.number().optional(),
});
export type Usage = z.infer<typeof Usage>;

/** Usage with the model that answered (a turn's, a session's last model). */
export const ModelUsage = Usage.extend({ modelId: z.string().optional() });
export type ModelUsage = z.infer<typeof ModelUsage>;

export const Session = z.object({
  sessionId: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  turnCount: z.number().int(),
  taskId: z.string().optional(),
  /** v1 extension: the conversation's tokens so far; `modelId` is the model of its last answer. */
  usage: ModelUsage.optional(),
});
export type Session = z.infer<typeof Session>;

/** The verified person who approved a call that changes AWS. */
export const Approver = z.object({
  /** The token's `sub`. */
  sub: z.string(),
  /** The username or e-mail, as the token names the person. */
  name: z.string().optional(),
  /** ISO 8601 UTC. */
  at: z.string(),
});
export type Approver = z.infer<typeof Approver>;

export const ToolCallStatus = z.enum(['success', 'error', 'denied', 'pending']);
/** What an approval will do beyond its input: for a change set, every resource change and capability. */
export const ApprovalDetails = z.object({
  changes: z
    .array(
      z.object({
        action: z.string(),
        logicalId: z.string(),
        type: z.string(),
        physicalId: z.string().optional(),
        /** CloudFormation's Replacement: True, False or Conditional. */
        replacement: z.string().optional(),
      }),
    )
    .optional(),
  capabilities: z.array(z.string()).optional(),
  /**
   * v1 extension: a stack change's templates as YAML text (JSON templates converted), for reading
   * and a diff. `deployed` is '' for a new stack and absent when it could not be read; `fromInput`
   * says `proposed` is the call's own `templateBody`, so the card need not repeat it escaped.
   */
  template: z
    .object({
      stackName: z.string(),
      proposed: z.string(),
      deployed: z.string().optional(),
      fromInput: z.boolean().optional(),
    })
    .optional(),
  /** Said when the details could not be looked up, so the card never looks complete when it is not. */
  note: z.string().optional(),
});
export type ApprovalDetails = z.infer<typeof ApprovalDetails>;

/** v1 extension: the AWS account and region a mutating call will run in, as its approval states them. */
export const ApprovalTarget = z.object({
  /** The 12-digit account id, or "unknown account" when it could not be looked up. */
  account: z.string(),
  region: z.string(),
});
export type ApprovalTarget = z.infer<typeof ApprovalTarget>;

export const TurnToolCall = z.object({
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  status: ToolCallStatus,
  /** v1 extension: for a pending destructive call, the text the user must type to approve it. */
  confirmText: z.string().optional(),
  /** v1 extension: a read-only call needs no approval (a resumed client shows only the others as cards). */
  readOnly: z.boolean().optional(),
  /** v1 extension: for a pending call, what approving it will do (as in `approval_required`). */
  details: ApprovalDetails.optional(),
  /** v1 extension: for a pending call, the account and region it will run in. */
  target: ApprovalTarget.optional(),
  /** v1 extension: who approved this call (it changed AWS under that person's approval). */
  approvedBy: Approver.optional(),
});
export type TurnToolCall = z.infer<typeof TurnToolCall>;

export const Turn = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  createdAt: z.string(),
  status: z.enum(['complete', 'interrupted', 'blocked']),
  toolCalls: z.array(TurnToolCall).optional(),
  /** v1 extension: an assistant turn's model tokens, so a resumed session still knows its cost. */
  usage: ModelUsage.optional(),
});
export type Turn = z.infer<typeof Turn>;

/**
 * v1 extension of `getSession`: the turns before `keepFrom` reach the model as this summary (the
 * conversation outgrew the model's context); the client shows it as a collapsed marker there.
 */
export const SessionSummary = z.object({
  text: z.string(),
  keepFrom: z.number().int().min(0),
  createdAt: z.string(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

export const TaskParam = z.object({
  name: z.string(),
  label: z.string(),
  placeholder: z.string().optional(),
  required: z.boolean(),
  /** An anchored JavaScript regular expression a non-blank value must match (checked on both sides). */
  pattern: z.string().optional(),
  /** What to tell the user when the value does not match `pattern`. */
  patternError: z.string().optional(),
});
export type TaskParam = z.infer<typeof TaskParam>;

export const Task = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string(),
  description: z.string(),
  mutating: z.boolean(),
  params: z.array(TaskParam).optional(),
});
export type Task = z.infer<typeof Task>;

// ---- Requests ----

export const ChatContext = z.object({
  selection: z
    .string()
    .max(16 * 1024)
    .optional(),
  fileName: z.string().max(1024).optional(),
  languageId: z.string().max(100).optional(),
});
export type ChatContext = z.infer<typeof ChatContext>;

export const Approval = z.object({
  toolUseId: z.string().min(1).max(200),
  decision: z.enum(['approve', 'deny']),
  confirmText: z.string().max(300).optional(),
});
export type Approval = z.infer<typeof Approval>;

const Cursor = z.string().min(1).max(2048);

export const ChatRequest = z
  .object({
    action: z.literal('chat'),
    message: z.string().optional(),
    sessionId: SessionId.optional(),
    /** With `sessionId`: start a conversation with that client-chosen id instead of continuing one. */
    newSession: z.boolean().optional(),
    taskId: z.string().min(1).max(100).optional(),
    params: z.record(z.string(), z.string().max(2048)).optional(),
    context: ChatContext.optional(),
    approvals: z.array(Approval).max(20).optional(),
  })
  .refine((r) => r.message !== undefined || r.taskId !== undefined || (r.approvals?.length ?? 0) > 0, {
    message: 'chat needs a message, a taskId or approvals',
  })
  .refine((r) => !r.newSession || r.sessionId !== undefined, {
    message: 'newSession needs the sessionId to create',
    path: ['newSession'],
  });
export type ChatRequest = z.infer<typeof ChatRequest>;

export const ListSessionsRequest = z.object({
  action: z.literal('listSessions'),
  limit: z.number().int().min(1).max(100).optional(),
  cursor: Cursor.optional(),
  query: z.string().max(200).optional(),
});
export const GetSessionRequest = z.object({
  action: z.literal('getSession'),
  sessionId: SessionId,
  limit: z.number().int().min(1).max(500).optional(),
  cursor: Cursor.optional(),
});
export const RenameSessionRequest = z.object({
  action: z.literal('renameSession'),
  sessionId: SessionId,
  title: z.string().trim().min(1).max(TITLE_MAX_CHARS),
});
export const DeleteSessionRequest = z.object({ action: z.literal('deleteSession'), sessionId: SessionId });
export const ListTasksRequest = z.object({ action: z.literal('listTasks') });
export const WhoamiRequest = z.object({ action: z.literal('whoami') });

export const ACTIONS = [
  'chat',
  'listSessions',
  'getSession',
  'renameSession',
  'deleteSession',
  'listTasks',
  'whoami',
] as const;
export type Action = (typeof ACTIONS)[number];

/** One schema per action; looked up by `action` so a bad field names the action it belongs to. */
export const RequestSchemas = {
  chat: ChatRequest,
  listSessions: ListSessionsRequest,
  getSession: GetSessionRequest,
  renameSession: RenameSessionRequest,
  deleteSession: DeleteSessionRequest,
  listTasks: ListTasksRequest,
  whoami: WhoamiRequest,
} satisfies Record<Action, z.ZodType>;

export type InvocationRequest =
  | z.infer<typeof ChatRequest>
  | z.infer<typeof ListSessionsRequest>
  | z.infer<typeof GetSessionRequest>
  | z.infer<typeof RenameSessionRequest>
  | z.infer<typeof DeleteSessionRequest>
  | z.infer<typeof ListTasksRequest>
  | z.infer<typeof WhoamiRequest>;
export type RequestOf<A extends Action> = Extract<InvocationRequest, { action: A }>;

// ---- Replies ----

export const ListSessionsReply = z.object({ sessions: z.array(Session), nextCursor: z.string().optional() });
export const GetSessionReply = z.object({
  session: Session,
  turns: z.array(Turn),
  nextCursor: z.string().optional(),
  summary: SessionSummary.optional(),
});
export const RenameSessionReply = z.object({ session: Session });
export const DeleteSessionReply = z.object({ deleted: z.literal(true) });
export const ListTasksReply = z.object({ tasks: z.array(Task) });
export const WhoamiReply = z.object({
  actorId: z.string(),
  username: z.string().optional(),
  authMode: z.enum(['cognito', 'none']),
  /** v1 extension: the caller's groups (`cognito:groups` of the access token). */
  groups: z.array(z.string()).optional(),
  /** v1 extension: whether this caller may approve calls that change AWS (`APPROVER_GROUPS`). */
  canApprove: z.boolean().optional(),
  /** v1 extension: the groups whose members may approve (APPROVER_GROUPS), when the backend sets them. */
  approverGroups: z.array(z.string()).optional(),
});

export type ReplyOf<A extends Exclude<Action, 'chat'>> = {
  listSessions: z.infer<typeof ListSessionsReply>;
  getSession: z.infer<typeof GetSessionReply>;
  renameSession: z.infer<typeof RenameSessionReply>;
  deleteSession: z.infer<typeof DeleteSessionReply>;
  listTasks: z.infer<typeof ListTasksReply>;
  whoami: z.infer<typeof WhoamiReply>;
}[A];

// ---- Chat stream events ----

export const DONE_REASONS = [
  'end_turn',
  'max_tokens',
  'approval_required',
  'guardrail_intervened',
  'max_iterations',
  'cancelled',
] as const;
export type DoneReason = (typeof DONE_REASONS)[number];

export const StreamEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session'), sessionId: z.string(), title: z.string(), created: z.boolean() }),
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({
    type: z.literal('tool_call'),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
    readOnly: z.boolean(),
  }),
  z.object({
    type: z.literal('tool_result'),
    id: z.string(),
    name: z.string(),
    status: z.enum(['success', 'error', 'denied']),
    summary: z.string(),
    /** v1 extension: the whole result as the model read it, for the client's expanded view. */
    output: z.string().optional(),
    /** v1 extension: who approved this call (a call that changed AWS under that person's approval). */
    approvedBy: Approver.optional(),
  }),
  z.object({
    type: z.literal('approval_required'),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
    reason: z.string(),
    confirmText: z.string().optional(),
    /** v1 extension: what approving will do, in full (a change set's every resource change). */
    details: ApprovalDetails.optional(),
    /** v1 extension: the AWS account and region the call will run in. */
    target: ApprovalTarget.optional(),
    /**
     * False when the caller is outside APPROVER_GROUPS. This backend always sends it; a client reads
     * its absence (an older backend) as true.
     */
    canApprove: z.boolean().optional(),
    /** v1 extension: with `canApprove: false`, the groups whose members may approve (APPROVER_GROUPS). */
    approverGroups: z.array(z.string()).optional(),
  }),
  /**
   * v1 extension: the conversation outgrew the model's context; the turns before `keepFrom` now
   * reach the model as a summary (getSession's `summary`).
   */
  z.object({ type: z.literal('summary'), keepFrom: z.number().int().min(0) }),
  z.object({
    type: z.literal('guardrail'),
    stage: z.enum(['input', 'output', 'tool']),
    action: z.enum(['blocked', 'redacted']),
    categories: z.array(z.string()),
    message: z.string(),
  }),
  ModelUsage.extend({ type: z.literal('usage') }),
  z.object({ type: z.literal('done'), stopReason: z.enum(DONE_REASONS) }),
  z.object({
    type: z.literal('error'),
    // A code this client does not know (a newer backend) reads as `internal`, never as a broken stream.
    code: z.enum(FAILURE_CODES).catch('internal'),
    message: z.string(),
    retryable: z.boolean(),
  }),
]);
export type StreamEvent = z.infer<typeof StreamEvent>;
