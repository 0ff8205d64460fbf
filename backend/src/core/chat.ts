/**
 * The `chat` action. `prepareChat` does everything that can fail with a plain HTTP error, and
 * stores the user's message, before the stream starts; `streamChat` runs the agent and stores what
 * it produced however the turn ends (done, error, cancelled, client gone).
 */
import { randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-bedrock-runtime';
import {
  MESSAGE_LIMIT_BYTES,
  type ChatContext,
  type ChatRequest,
  type Session,
  type StreamEvent,
} from '../protocol';
import { toModelHistory } from './agent/history';
import { ModelCallError, runAgentTurn, TurnRecord } from './agent/loop';
import type { Actor } from './auth/authenticator';
import { InvalidRequestError, NotFoundError, PayloadTooLargeError } from './errors';
import type { StoredTurn } from './memory/types';
import type { ServiceDeps } from './service';
import { fillTaskPrompt } from './tasks/fill';

/** How many past turns the model sees; older ones stay in memory for the user. */
const HISTORY_TURNS = 40;
const TITLE_CHARS = 60;

export interface PreparedChat {
  session: Session;
  created: boolean;
}

export async function prepareChat(
  deps: ServiceDeps,
  actor: Actor,
  request: ChatRequest,
): Promise<PreparedChat> {
  if (request.message !== undefined && Buffer.byteLength(request.message, 'utf8') > MESSAGE_LIMIT_BYTES) {
    throw new PayloadTooLargeError(`message is over ${MESSAGE_LIMIT_BYTES / 1024} KiB`);
  }
  if (request.approvals?.length) {
    // Approved tool calls arrive with the agent's abilities (issue: approvals); until then none is pending.
    throw new InvalidRequestError('no tool call of this session is waiting for approval');
  }
  const task = request.taskId !== undefined ? deps.tasks.find((t) => t.id === request.taskId) : undefined;
  if (request.taskId !== undefined && !task)
    throw new InvalidRequestError(`unknown taskId ${request.taskId}`);
  const prompt = task ? fillTaskPrompt(task, request.params, request.message) : request.message!;
  if (!prompt.trim()) throw new InvalidRequestError('message is empty');

  const now = deps.now().toISOString();
  let session: Session;
  let created = false;
  if (request.sessionId !== undefined) {
    const found = await deps.memory.getSession(actor.actorId, request.sessionId, { limit: 1 });
    if (!found) throw new NotFoundError(`no session ${request.sessionId}`);
    session = found.session;
  } else {
    session = await deps.memory.createSession(actor.actorId, {
      sessionId: deps.newId(),
      title: task ? task.title : titleFrom(request.message!),
      ...(task ? { taskId: task.id } : {}),
      createdAt: now,
    });
    created = true;
  }

  const displayText = task ? describeTaskRun(task.title, request.params, request.message) : request.message!;
  const modelText = withEditorContext(prompt, request.context);
  const userTurn: StoredTurn = {
    role: 'user',
    text: displayText,
    createdAt: now,
    status: 'complete',
    ...(modelText !== displayText ? { messages: [{ role: 'user', content: [{ text: modelText }] }] } : {}),
  };
  session = await deps.memory.appendTurn(actor.actorId, session.sessionId, userTurn);
  return { session, created };
}

export async function* streamChat(
  deps: ServiceDeps,
  actor: Actor,
  prepared: PreparedChat,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const { session } = prepared;
  yield { type: 'session', sessionId: session.sessionId, title: session.title, created: prepared.created };

  const record = new TurnRecord();
  let failure: StreamEvent | undefined;
  try {
    const turns = await deps.memory.recentTurns(actor.actorId, session.sessionId, HISTORY_TURNS);
    yield* runAgentTurn(
      {
        model: deps.model,
        modelId: deps.modelId,
        system: deps.systemPrompt,
        history: toModelHistory(turns),
        tools: deps.tools,
        toolContext: {
          actorId: actor.actorId,
          region: deps.region,
          ...(deps.credentials ? { credentials: deps.credentials } : {}),
        },
        signal,
        maxIterations: deps.maxIterations,
        ...(deps.guardrail ? { guardrail: deps.guardrail } : {}),
        ...(deps.retry ? { retry: deps.retry } : {}),
      },
      record,
    );
  } catch (error) {
    failure =
      error instanceof ModelCallError
        ? {
            type: 'error',
            code: error.failure.code,
            message: error.failure.message,
            retryable: error.failure.retryable,
          }
        : { type: 'error', code: 'internal', message: 'The turn failed unexpectedly.', retryable: true };
    if (error instanceof ModelCallError)
      deps.log.warn('model call failed', { code: error.failure.code, error: error.cause });
    else deps.log.error('chat turn failed', { error });
  }
  const interrupted = failure !== undefined || record.stopReason === 'cancelled';
  await storeAnswer(deps, actor, session.sessionId, record, interrupted);

  if (record.inputTokens || record.outputTokens) {
    yield { type: 'usage', inputTokens: record.inputTokens, outputTokens: record.outputTokens };
  }
  yield failure ?? { type: 'done', stopReason: record.stopReason ?? 'end_turn' };
}

async function storeAnswer(
  deps: ServiceDeps,
  actor: Actor,
  sessionId: string,
  record: TurnRecord,
  interrupted: boolean,
) {
  const turn: StoredTurn = {
    role: 'assistant',
    text: record.text,
    createdAt: deps.now().toISOString(),
    status: interrupted ? 'interrupted' : 'complete',
    ...(record.toolCalls.length ? { toolCalls: record.toolCalls } : {}),
    ...(hasToolBlocks(record.messages) ? { messages: record.messages } : {}),
  };
  try {
    await deps.memory.appendTurn(actor.actorId, sessionId, turn);
  } catch (error) {
    // The stream may already be gone; the user's message is safe, the answer is what is lost.
    deps.log.error('could not store the assistant turn', { error });
  }
}

function hasToolBlocks(messages: Message[]): boolean {
  return messages.some((m) => m.content?.some((c) => c.toolUse || c.toolResult));
}

function titleFrom(message: string): string {
  const line = message.trim().split('\n')[0]!.replace(/\s+/g, ' ');
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line || 'New chat';
}

function describeTaskRun(title: string, params: Record<string, string> = {}, extra?: string): string {
  const given = Object.entries(params).filter(([, v]) => v.trim());
  const args = given.length ? ` (${given.map(([k, v]) => `${k}: ${v}`).join(', ')})` : '';
  return `Run task: ${title}${args}${extra?.trim() ? `\n\n${extra.trim()}` : ''}`;
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
