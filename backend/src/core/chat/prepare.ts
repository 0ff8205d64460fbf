/**
 * Everything of a `chat` that can fail with a plain HTTP error, done before the stream starts:
 * request checks, the daily budget, opening the session, the approval rules, and storing the
 * user's message (or decision) before the model is called.
 */
import { randomUUID } from 'node:crypto';
import {
  describeTaskRun,
  MESSAGE_LIMIT_BYTES,
  type Approver,
  type ChatContext,
  type ChatRequest,
  type Session,
  type StreamEvent,
} from '../../protocol';
import { decide, describeDecisions, pendingCalls, type Decision } from '../agent/approvals';
import type { Actor } from '../auth/authenticator';
import { ensureApprover } from '../auth/groups';
import type { ServiceDeps } from '../deps';
import { InvalidRequestError, NotFoundError, PayloadTooLargeError, SessionFullError } from '../errors';
import { guardrailEvent, redactText } from '../guardrails/policy';
import { toolsForTurn, type TurnTools } from '../mcp/turn-tools';
import type { StoredTurn } from '../memory/types';
import { fillTaskPrompt } from '../tasks/fill';
import { checkQuota } from './quota';

const TITLE_CHARS = 60;
export const DEFAULT_MAX_SESSION_TURNS = 1000;

export interface PreparedChat {
  session: Session;
  created: boolean;
  /** Index of the stored user turn, to mark it if a guardrail blocks it after the fact. */
  userTurnIndex: number;
  /** Guardrail notices from preparing the input, sent right after `session`. */
  notices: StreamEvent[];
  /** The user's message as the model gets it (redacted, with editor context), for an input check. */
  modelText?: string;
  /** Present when the chat resumes a turn that waited for approval. */
  decisions?: Decision[];
  /** Who approved the approved calls, recorded with them. */
  approver?: Approver;
  /** The tools the decisions were checked against; the turn runs with these. */
  turnTools?: TurnTools;
}

export async function prepareChat(
  deps: ServiceDeps,
  actor: Actor,
  request: ChatRequest,
): Promise<PreparedChat> {
  if (request.message !== undefined && Buffer.byteLength(request.message, 'utf8') > MESSAGE_LIMIT_BYTES) {
    throw new PayloadTooLargeError(`message is over ${MESSAGE_LIMIT_BYTES / 1024} KiB`);
  }
  // Deciding a waiting call finishes a turn already begun: the budget never cuts it off.
  if (request.approvals?.length) return prepareApprovals(deps, actor, request);

  const task = request.taskId !== undefined ? deps.tasks.find((t) => t.id === request.taskId) : undefined;
  if (request.taskId !== undefined && !task)
    throw new InvalidRequestError(`unknown taskId ${request.taskId}`);
  const prompt = task ? fillTaskPrompt(task, request.params, request.message) : request.message!;
  if (!prompt.trim()) throw new InvalidRequestError('message is empty');
  // Before anything is stored: a refused chat leaves no trace.
  await checkQuota(deps, actor.actorId);

  // Personal data and secrets never reach the model or the store.
  const display = redactText(
    task ? describeTaskRun(task.title, request.params, request.message) : request.message!,
  );
  const model = redactText(withEditorContext(prompt, request.context));
  const categories = [...new Set([...display.categories, ...model.categories])].sort();
  const notices = categories.length
    ? [
        guardrailEvent(
          'input',
          categories,
          `Redacted ${categories.join(', ')} from your message before it was sent or stored.`,
        ),
      ]
    : [];

  const now = deps.now().toISOString();
  const { session, created } = await openSession(
    deps,
    actor,
    request,
    task ? { title: task.title, taskId: task.id } : { title: titleFrom(display.text) },
    now,
  );
  const userTurn: StoredTurn = {
    role: 'user',
    text: display.text,
    createdAt: now,
    status: 'complete',
    ...(model.text !== display.text
      ? { messages: [{ role: 'user', content: [{ type: 'text', text: model.text }] }] }
      : {}),
  };
  const stored = await deps.memory.appendTurn(actor.actorId, session.sessionId, userTurn);
  return { session: stored, created, userTurnIndex: stored.turnCount - 1, notices, modelText: model.text };
}

async function openSession(
  deps: ServiceDeps,
  actor: Actor,
  request: ChatRequest,
  fresh: { title: string; taskId?: string },
  now: string,
): Promise<{ session: Session; created: boolean }> {
  if (request.sessionId !== undefined) {
    const found = await deps.memory.getSession(actor.actorId, request.sessionId, { limit: 1 });
    if (request.newSession) {
      // The client chose the id up front; it may name a new conversation only.
      if (found) throw new InvalidRequestError(`a session ${request.sessionId} already exists`);
    } else {
      if (!found) throw new NotFoundError(`no session ${request.sessionId}`);
      ensureRoom(deps, found.session);
      return { session: found.session, created: false };
    }
  }
  const session = await deps.memory.createSession(actor.actorId, {
    sessionId: request.sessionId ?? deps.newId(),
    ...fresh,
    createdAt: now,
  });
  return { session, created: true };
}

/** A chat adds two turns (the user's and the answer); a conversation at its limit takes no more. */
function ensureRoom(deps: ServiceDeps, session: Session): void {
  const max = deps.maxSessionTurns ?? DEFAULT_MAX_SESSION_TURNS;
  if (session.turnCount + 2 > max)
    throw new SessionFullError(
      `this conversation has reached its limit of ${max} turns; start a new chat to go on`,
    );
}

/** Decisions on the calls the session's last turn left waiting, stored once, before anything runs. */
async function prepareApprovals(
  deps: ServiceDeps,
  actor: Actor,
  request: ChatRequest,
): Promise<PreparedChat> {
  if (request.sessionId === undefined)
    throw new InvalidRequestError('approvals need the sessionId of the turn that asked for them');
  if (request.message !== undefined || request.taskId !== undefined || request.newSession) {
    throw new InvalidRequestError('send approvals on their own; send a message in the next chat');
  }
  // Checked on this request's token: a user who left the approver group can no longer approve.
  if (request.approvals!.some((a) => a.decision === 'approve')) ensureApprover(actor, deps.groups);
  const found = await deps.memory.getSession(actor.actorId, request.sessionId, { limit: 1 });
  if (!found) throw new NotFoundError(`no session ${request.sessionId}`);
  ensureRoom(deps, found.session);
  const [last] = await deps.memory.recentTurns(actor.actorId, request.sessionId, 1);
  const turnTools = await toolsForTurn(deps);
  const decisions = decide(pendingCalls(last), request.approvals!, turnTools.tools);
  const now = deps.now().toISOString();
  const turn: StoredTurn = {
    role: 'user',
    text: describeDecisions(decisions),
    createdAt: now,
    status: 'complete',
    messages: [],
  };
  // Conditional on the turn count read above: a replayed or racing approval finds the session moved on.
  const session = await deps.memory.appendTurn(actor.actorId, request.sessionId, turn, {
    expectedTurnCount: found.session.turnCount,
  });
  // The person's e-mail where the pool holds it; the token's username is a generated id.
  const name = actor.name ?? actor.username;
  const approver: Approver = { sub: actor.actorId, ...(name ? { name } : {}), at: now };
  return {
    session,
    created: false,
    userTurnIndex: session.turnCount - 1,
    notices: [],
    decisions,
    approver,
    turnTools,
  };
}

export function titleFrom(message: string): string {
  const line = message.trim().split('\n')[0]!.replace(/\s+/g, ' ');
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line || 'New chat';
}

/** The editor selection goes to the model as quoted data, after the question. */
function withEditorContext(prompt: string, context: ChatContext | undefined): string {
  if (!context?.selection) return prompt;
  const where = [context.fileName, context.languageId].filter(Boolean).join(', ');
  const fence = context.selection.includes('```') ? '~~~~' : '```';
  return `${prompt}\n\nSelected in the editor${where ? ` (${where})` : ''}:\n${fence}${context.languageId ?? ''}\n${context.selection}\n${fence}`;
}

export function newSessionId(): string {
  return randomUUID();
}
