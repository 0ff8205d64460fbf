/**
 * The invocation contract (shared/CONTRACT.md, v1) as zod schemas. The extension, the webview and
 * every backend host import these; the TypeScript types are inferred from them so nothing restates
 * the contract.
 */
import { z } from 'zod';

export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
export const BODY_LIMIT_BYTES = 256 * 1024;
export const MESSAGE_LIMIT_BYTES = 32 * 1024;
export const TITLE_MAX_CHARS = 120;

export const SessionId = z
  .string()
  .regex(SESSION_ID_PATTERN, 'sessionId must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$');

export const Session = z.object({
  sessionId: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  turnCount: z.number().int(),
  taskId: z.string().optional(),
});
export type Session = z.infer<typeof Session>;

export const ToolCallStatus = z.enum(['success', 'error', 'denied', 'pending']);
export const TurnToolCall = z.object({
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  status: ToolCallStatus,
  /** v1 extension: for a pending destructive call, the text the user must type to approve it. */
  confirmText: z.string().optional(),
});
export type TurnToolCall = z.infer<typeof TurnToolCall>;

export const Turn = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  createdAt: z.string(),
  status: z.enum(['complete', 'interrupted', 'blocked']),
  toolCalls: z.array(TurnToolCall).optional(),
});
export type Turn = z.infer<typeof Turn>;

export const TaskParam = z.object({
  name: z.string(),
  label: z.string(),
  placeholder: z.string().optional(),
  required: z.boolean(),
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
    taskId: z.string().min(1).max(100).optional(),
    params: z.record(z.string(), z.string().max(2048)).optional(),
    context: ChatContext.optional(),
    approvals: z.array(Approval).max(20).optional(),
  })
  .refine((r) => r.message !== undefined || r.taskId !== undefined || (r.approvals?.length ?? 0) > 0, {
    message: 'chat needs a message, a taskId or approvals',
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
});
export const RenameSessionReply = z.object({ session: Session });
export const DeleteSessionReply = z.object({ deleted: z.literal(true) });
export const ListTasksReply = z.object({ tasks: z.array(Task) });
export const WhoamiReply = z.object({
  actorId: z.string(),
  username: z.string().optional(),
  authMode: z.enum(['cognito', 'none']),
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
  }),
  z.object({
    type: z.literal('approval_required'),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
    reason: z.string(),
    confirmText: z.string().optional(),
  }),
  z.object({
    type: z.literal('guardrail'),
    stage: z.enum(['input', 'output', 'tool']),
    action: z.enum(['blocked', 'redacted']),
    categories: z.array(z.string()),
    message: z.string(),
  }),
  z.object({ type: z.literal('usage'), inputTokens: z.number(), outputTokens: z.number() }),
  z.object({ type: z.literal('done'), stopReason: z.enum(DONE_REASONS) }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string(), retryable: z.boolean() }),
]);
export type StreamEvent = z.infer<typeof StreamEvent>;
export type StreamEventOf<T extends StreamEvent['type']> = Extract<StreamEvent, { type: T }>;

// ---- Errors ----

export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  throttled: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof ErrorBody>;
