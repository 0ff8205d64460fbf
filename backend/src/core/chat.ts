/**
 * The `chat` action. `prepareChat` does everything that can fail with a plain HTTP error and
 * stores the user's message (or decision) before the stream starts; `streamChat` runs the agent
 * and stores what it produced however the turn ends (done, error, cancelled, client gone).
 */
import { randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-bedrock-runtime';
import {
  describeTaskRun,
  MESSAGE_LIMIT_BYTES,
  type ChatContext,
  type ChatRequest,
  type Session,
  type StreamEvent,
} from '../protocol';
import { decide, describeDecisions, executeDecisions, pendingCalls, type Decision } from './agent/approvals';
import { callerAccount } from './agent/approval-target';
import { toModelHistory } from './agent/history';
import { MAX_TOOL_OUTPUT_CHARS, ModelCallError, runAgentTurn, TurnRecord } from './agent/loop';
import { boundAnswer, hasToolBlocks, redactMessages } from './agent/stored-answer';
import type { ToolOutputGuard } from './agent/tool-calls';
import type { Actor } from './auth/authenticator';
import { InvalidRequestError, NotFoundError, PayloadTooLargeError, SessionFullError } from './errors';
import { traceVerdict } from './guardrails/bedrock-guardrail';
import { guardrailEvent, guardToolOutput, redactText } from './guardrails/policy';
import { StreamRedactor } from './guardrails/stream-redactor';
import { toolsForTurn, withNote, type TurnTools } from './mcp/turn-tools';
import type { StoredTurn } from './memory/types';
import type { ServiceDeps } from './service';
import { fillTaskPrompt } from './tasks/fill';
import { observeTurn } from './telemetry/observe';
import { noopTelemetry, type TurnTelemetry } from './telemetry/types';

/** How many past turns the model sees; older ones stay in memory for the user. */
const HISTORY_TURNS = 40;
const TITLE_CHARS = 60;
export const DEFAULT_MAX_SESSION_TURNS = 1000;

export interface PreparedChat {
  session: Session;
  created: boolean;
  /** Index of the stored user turn, to mark it if a guardrail blocks it after the fact. */
  userTurnIndex: number;
  /** Guardrail notices from preparing the input, sent right after `session`. */
  notices: StreamEvent[];
  /** Present when the chat resumes a turn that waited for approval. */
  decisions?: Decision[];
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
  if (request.approvals?.length) return prepareApprovals(deps, actor, request);

  const task = request.taskId !== undefined ? deps.tasks.find((t) => t.id === request.taskId) : undefined;
  if (request.taskId !== undefined && !task)
    throw new InvalidRequestError(`unknown taskId ${request.taskId}`);
  const prompt = task ? fillTaskPrompt(task, request.params, request.message) : request.message!;
  if (!prompt.trim()) throw new InvalidRequestError('message is empty');

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
    ...(model.text !== display.text ? { messages: [{ role: 'user', content: [{ text: model.text }] }] } : {}),
  };
  const stored = await deps.memory.appendTurn(actor.actorId, session.sessionId, userTurn);
  return { session: stored, created, userTurnIndex: stored.turnCount - 1, notices };
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
  const found = await deps.memory.getSession(actor.actorId, request.sessionId, { limit: 1 });
  if (!found) throw new NotFoundError(`no session ${request.sessionId}`);
  ensureRoom(deps, found.session);
  const [last] = await deps.memory.recentTurns(actor.actorId, request.sessionId, 1);
  const turnTools = await toolsForTurn(deps);
  const decisions = decide(pendingCalls(last), request.approvals!, turnTools.tools);
  const turn: StoredTurn = {
    role: 'user',
    text: describeDecisions(decisions),
    createdAt: deps.now().toISOString(),
    status: 'complete',
    messages: [],
  };
  // Conditional on the turn count read above: a replayed or racing approval finds the session moved on.
  const session = await deps.memory.appendTurn(actor.actorId, request.sessionId, turn, {
    expectedTurnCount: found.session.turnCount,
  });
  return { session, created: false, userTurnIndex: session.turnCount - 1, notices: [], decisions, turnTools };
}

/** The turn's events, observed for metrics and traces on their way out. */
export function streamChat(
  deps: ServiceDeps,
  actor: Actor,
  prepared: PreparedChat,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const turn = (deps.telemetry ?? noopTelemetry).turnStarted({
    sessionId: prepared.session.sessionId,
    actorId: actor.actorId,
    modelId: deps.modelId,
  });
  for (const d of prepared.decisions ?? [])
    if (d.verdict !== 'read-only') turn.approval(d.verdict === 'approve' ? 'approved' : 'denied', d.use.name);
  return observeTurn(turn, runChat(deps, actor, prepared, signal, turn));
}

async function* runChat(
  deps: ServiceDeps,
  actor: Actor,
  prepared: PreparedChat,
  signal: AbortSignal,
  turn: TurnTelemetry,
): AsyncGenerator<StreamEvent> {
  const { session } = prepared;
  yield { type: 'session', sessionId: session.sessionId, title: session.title, created: prepared.created };
  yield* prepared.notices;

  const record = new TurnRecord();
  const redactor = new StreamRedactor();
  const toolGuard = composeToolGuard(deps);
  const toolContext = {
    actorId: actor.actorId,
    sessionId: session.sessionId,
    region: deps.region,
    ...(deps.credentials ? { credentials: deps.credentials } : {}),
    callerAccount: () => callerAccount(deps.credentials, deps.region),
  };
  let failure: StreamEvent | undefined;
  try {
    const turnTools = prepared.turnTools ?? (await toolsForTurn(deps, signal));
    const tail: Message[] = [];
    if (prepared.decisions) {
      const results = yield* executeDecisions(prepared.decisions, {
        tools: turnTools.tools,
        context: { ...toolContext, signal },
        maxOutputChars: MAX_TOOL_OUTPUT_CHARS,
        guard: toolGuard,
        record,
      });
      tail.push(results);
    }
    const turns = await deps.memory.recentTurns(actor.actorId, session.sessionId, HISTORY_TURNS);
    const agent = runAgentTurn(
      {
        model: deps.model,
        modelId: deps.modelId,
        system: withNote(deps.systemPrompt, turnTools),
        history: toModelHistory(turns, tail),
        tools: turnTools.tools,
        toolContext,
        signal,
        maxIterations: deps.maxIterations,
        toolGuard,
        telemetry: turn,
        ...(deps.guardrail ? { guardrail: deps.guardrail } : {}),
        ...(deps.retry ? { retry: deps.retry } : {}),
      },
      record,
    );
    yield* redactOutput(agent, redactor, record);
  } catch (error) {
    yield* show(redactor.flush(), record);
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
  if (record.stopReason === 'guardrail_intervened') yield* reportIntervention(deps, actor, prepared, record);

  const interrupted = failure !== undefined || record.stopReason === 'cancelled';
  await storeAnswer(deps, actor, session.sessionId, record, interrupted);
  if (record.inputTokens || record.outputTokens) {
    yield { type: 'usage', inputTokens: record.inputTokens, outputTokens: record.outputTokens };
  }
  yield failure ?? { type: 'done', stopReason: record.stopReason ?? 'end_turn' };
}

/** Model text goes through the redactor before the client sees it; other events flush it first. */
async function* redactOutput(
  events: AsyncGenerator<StreamEvent>,
  redactor: StreamRedactor,
  record: TurnRecord,
): AsyncGenerator<StreamEvent> {
  for await (const event of events) {
    if (event.type === 'text') {
      yield* show(redactor.push(event.text), record);
    } else {
      yield* show(redactor.flush(), record);
      yield event;
    }
  }
  yield* show(redactor.flush(), record);
}

/** What the user sees is what is stored: `record.text` is the redacted stream. */
function* show(out: { text: string; categories: string[] }, record: TurnRecord): Generator<StreamEvent> {
  record.text += out.text;
  if (out.text) yield { type: 'text', text: out.text };
  if (out.categories.length)
    yield guardrailEvent('output', out.categories, `Redacted ${out.categories.join(', ')} from the answer.`);
}

/** A Bedrock guardrail stopped the turn: say where, and keep a blocked message out of the history. */
async function* reportIntervention(
  deps: ServiceDeps,
  actor: Actor,
  prepared: PreparedChat,
  record: TurnRecord,
): AsyncGenerator<StreamEvent> {
  const verdict = traceVerdict(record.guardrailTrace);
  const onInput = verdict.stage === 'input' || (record.guardrailTrace === undefined && record.text === '');
  if (onInput && !prepared.decisions) {
    const notice = '[This message was blocked by a guardrail and is not kept.]';
    try {
      await deps.memory.amendTurn(actor.actorId, prepared.session.sessionId, prepared.userTurnIndex, {
        text: notice,
        status: 'blocked',
        messages: [],
      });
    } catch (error) {
      // The stream still ends properly; the message stays stored as it was sent (already redacted).
      deps.log.error('could not mark the blocked message', { error });
    }
  }
  yield guardrailEvent(
    onInput ? 'input' : 'output',
    verdict.categories.length ? verdict.categories : ['bedrock_guardrail'],
    onInput ? 'A Bedrock guardrail blocked your message.' : 'A Bedrock guardrail blocked the answer.',
    'blocked',
  );
}

/** The built-in policy first, then the Bedrock guardrail when one is configured. */
function composeToolGuard(deps: ServiceDeps): ToolOutputGuard {
  return async (toolName, text, signal) => {
    const builtIn = guardToolOutput(toolName, text);
    if (!deps.bedrockToolGuard) return builtIn;
    const bedrock = await deps.bedrockToolGuard(toolName, builtIn.text, signal);
    return { text: bedrock.text, events: [...builtIn.events, ...bedrock.events] };
  };
}

async function storeAnswer(
  deps: ServiceDeps,
  actor: Actor,
  sessionId: string,
  record: TurnRecord,
  interrupted: boolean,
) {
  const pending = new Set(record.toolCalls.filter((c) => c.status === 'pending').map((c) => c.id));
  const turn = boundAnswer({
    role: 'assistant',
    text: record.text,
    createdAt: deps.now().toISOString(),
    status: interrupted ? 'interrupted' : 'complete',
    ...(record.toolCalls.length ? { toolCalls: record.toolCalls } : {}),
    // Kept with the answer so a resumed session still knows what it cost.
    ...(record.inputTokens || record.outputTokens
      ? { usage: { inputTokens: record.inputTokens, outputTokens: record.outputTokens } }
      : {}),
    ...(hasToolBlocks(record.messages) ? { messages: redactMessages(record.messages, pending) } : {}),
  });
  try {
    await deps.memory.appendTurn(actor.actorId, sessionId, turn);
  } catch (error) {
    // The stream may already be gone; the user's message is safe, the answer is what is lost.
    deps.log.error('could not store the assistant turn', { error });
  }
}

function titleFrom(message: string): string {
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
