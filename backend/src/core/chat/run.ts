/**
 * Runs a prepared `chat`: the decided calls of a resumed turn, the context within its budget, the
 * agent turn, and what the user sees (redacted, guarded). What the turn produced is stored however
 * it ends (done, error, cancelled, client gone).
 */
import { isRetryable, type DoneReason, type StreamEvent } from '../../protocol';
import { executeDecisions } from '../agent/approvals';
import { callerAccount } from '../agent/approval-target';
import { MAX_TOOL_OUTPUT_CHARS, runAgentTurn, type AgentTurn } from '../agent/loop';
import type { ToolOutputGuard } from '../agent/tool-calls';
import {
  hasUsage,
  reportedUsage,
  startedRecord,
  type TurnRecord,
  type TurnStart,
} from '../agent/turn-record';
import type { Actor } from '../auth/authenticator';
import { canApprove } from '../auth/groups';
import type { ServiceDeps } from '../deps';
import { traceVerdict } from '../guardrails/bedrock-guardrail';
import { guardrailEvent, guardToolOutput } from '../guardrails/policy';
import { StreamRedactor } from '../guardrails/stream-redactor';
import { OutputGuardBuffer, type TextVerdict } from '../guardrails/text-guard';
import { toolsForTurn, withNote } from '../mcp/turn-tools';
import { ModelError } from '../model/errors';
import type { Message } from '../model/types';
import { observeTurn } from '../telemetry/observe';
import { noopTelemetry, type TurnTelemetry } from '../telemetry/types';
import { buildContext, estimatorFor, fitWithinTurn, fixedChars, messagesChars } from './context';
import { titleFrom, type PreparedChat } from './prepare';
import { storeAnswer } from './store';

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
    modelId: deps.model.modelId,
  });
  for (const d of prepared.decisions ?? [])
    if (d.verdict === 'approve' || d.verdict === 'deny')
      turn.approval(d.verdict === 'approve' ? 'approved' : 'denied', d.use.name);
  return observeTurn(turn, runChat(deps, actor, prepared, signal, turn));
}

async function* runChat(
  deps: ServiceDeps,
  actor: Actor,
  prepared: PreparedChat,
  signal: AbortSignal,
  telemetry: TurnTelemetry,
): AsyncGenerator<StreamEvent> {
  const { session } = prepared;
  yield { type: 'session', sessionId: session.sessionId, title: session.title, created: prepared.created };
  yield* prepared.notices;

  // What the user saw of the answer, as the stream showed it (redacted, guarded): what is stored.
  const shown: Shown = { text: '' };
  // What the turn produced before the agent ran; the agent's record starts from it.
  const start: TurnStart = {};
  let agent: AgentTurn | undefined;
  let stopped: DoneReason | undefined;
  const redactor = new StreamRedactor();
  const output = deps.textGuard ? new OutputGuardBuffer(deps.textGuard, signal) : undefined;
  const toolGuard = composeToolGuard(deps);
  const credentials = deps.toolCredentials?.(actor, prepared.approver) ?? deps.credentials;
  const toolContext = {
    actorId: actor.actorId,
    sessionId: session.sessionId,
    region: deps.region,
    ...(credentials ? { credentials } : {}),
    callerAccount: () => callerAccount(credentials, deps.region),
  };
  let failure: StreamEvent | undefined;
  let inputBlocked = false;
  try {
    if (deps.textGuard && prepared.modelText !== undefined) {
      inputBlocked = yield* guardInput(deps, actor, prepared, signal);
      if (inputBlocked) stopped = 'guardrail_intervened';
    }
    if (!inputBlocked) {
      const turnTools = prepared.turnTools ?? (await toolsForTurn(deps, signal));
      const tail: Message[] = [];
      if (prepared.decisions) {
        const decided = yield* executeDecisions(prepared.decisions, {
          tools: turnTools.tools,
          context: { ...toolContext, signal },
          maxOutputChars: MAX_TOOL_OUTPUT_CHARS,
          guard: toolGuard,
          ...(prepared.approver ? { approver: prepared.approver } : {}),
        });
        start.toolCalls = decided.toolCalls;
        start.messages = [decided.message];
        tail.push(decided.message);
      }
      const system = deps.systemPrompt;
      const specs = turnTools.tools.toolSpecs();
      const fixed = fixedChars(system, specs);
      const estimator = estimatorFor(deps.model);
      const context = await buildContext(
        deps,
        actor.actorId,
        session.sessionId,
        session.turnCount,
        tail,
        fixed,
        signal,
      );
      if (context.usage) start.usage = context.usage;
      yield* context.events;
      const note = withNote('', turnTools).trim();
      agent = runAgentTurn({
        model: deps.model,
        system,
        ...(note ? { systemNote: note } : {}),
        history: context.history,
        tools: turnTools.tools,
        toolContext,
        signal,
        maxIterations: deps.maxIterations,
        fitContext: fitWithinTurn(deps.contextTokens, fixed, estimator),
        observeCall: (messages, usage) =>
          estimator.observe(fixed + messagesChars(messages), usage.inputTokens),
        contextRefused: (messages) => estimator.refused(fixed + messagesChars(messages)),
        toolGuard,
        telemetry,
        start,
        canApprove: canApprove(actor, deps.groups),
        ...(deps.groups?.approvers ? { approverGroups: deps.groups.approvers } : {}),
        ...(deps.retry ? { retry: deps.retry } : {}),
      });
      yield* guardOutput(redactOutput(agent.events, redactor), output, shown);
    }
  } catch (error) {
    yield* show(redactor.flush(), shown);
    for (const verdict of (await output?.flush().catch(() => [])) ?? []) yield* release(verdict, shown);
    failure = failureEvent(deps, error);
  }
  // However the turn ended (done, failed, cut short by a guardrail), its record holds what it produced.
  const record = agent?.record ?? startedRecord(start);
  stopped ??= record.stopReason;
  if (output?.blocked) {
    stopped = 'guardrail_intervened';
    yield guardrailEvent(
      'output',
      output.blocked.categories.length ? output.blocked.categories : ['bedrock_guardrail'],
      'A Bedrock guardrail blocked the answer.',
      'blocked',
    );
  } else if (stopped === 'guardrail_intervened' && !inputBlocked) {
    yield* reportIntervention(deps, actor, prepared, record, shown);
  }

  const interrupted = failure !== undefined || stopped === 'cancelled';
  await storeAnswer(deps, actor, session.sessionId, { record, text: shown.text, interrupted });
  if (hasUsage(record)) yield { type: 'usage', ...reportedUsage(record, deps.model.modelId) };
  yield failure ?? { type: 'done', stopReason: stopped ?? 'end_turn' };
}

/** The answer as the user saw it: the redacted, guarded stream. */
interface Shown {
  text: string;
}

function failureEvent(deps: ServiceDeps, error: unknown): StreamEvent {
  if (error instanceof ModelError) {
    deps.log.warn('model call failed', { code: error.code, error: error.cause });
    return { type: 'error', code: error.code, message: error.message, retryable: error.retryable };
  }
  deps.log.error('chat turn failed', { error });
  const code = 'internal';
  return { type: 'error', code, message: 'The turn failed unexpectedly.', retryable: isRetryable(code) };
}

/**
 * ApplyGuardrail on the user's message, for providers without a guardrail of their own. Blocked:
 * the message is marked and kept out of the history. Masked: the model gets the masked text.
 * A check that cannot run fails closed.
 */
async function* guardInput(
  deps: ServiceDeps,
  actor: Actor,
  prepared: PreparedChat,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent, boolean> {
  let verdict: TextVerdict;
  try {
    verdict = await deps.textGuard!(prepared.modelText!, 'INPUT', signal);
  } catch (error) {
    deps.log.warn('ApplyGuardrail failed on the input; the message was not sent', { error });
    verdict = { action: 'blocked', text: '', categories: ['guardrail_unavailable'] };
  }
  if (verdict.action === 'none') return false;
  const { sessionId } = prepared.session;
  if (verdict.action === 'masked') {
    try {
      await deps.memory.amendTurn(actor.actorId, sessionId, prepared.userTurnIndex, {
        text: verdict.text,
        status: 'complete',
        messages: [{ role: 'user', content: [{ type: 'text', text: verdict.text }] }],
      });
      // A title made from the message holds what was masked too.
      if (prepared.created)
        await deps.memory.renameSession(actor.actorId, sessionId, titleFrom(verdict.text));
    } catch (error) {
      deps.log.error('could not store the masked message', { error });
    }
    yield guardrailEvent('input', verdict.categories, 'A Bedrock guardrail masked part of your message.');
    return false;
  }
  await markBlocked(deps, actor, prepared);
  yield guardrailEvent(
    'input',
    verdict.categories.length ? verdict.categories : ['bedrock_guardrail'],
    verdict.categories.includes('guardrail_unavailable')
      ? 'The guardrail check on your message failed, so it was not sent.'
      : 'A Bedrock guardrail blocked your message.',
    'blocked',
  );
  return true;
}

/** Model text goes through the redactor before the client sees it; other events flush it first. */
async function* redactOutput(
  events: AsyncGenerator<StreamEvent>,
  redactor: StreamRedactor,
): AsyncGenerator<StreamEvent | { type: 'redacted'; text: string; categories: string[] }> {
  for await (const event of events) {
    if (event.type === 'text') {
      yield { type: 'redacted', ...redactor.push(event.text) };
    } else {
      yield { type: 'redacted', ...redactor.flush() };
      yield event;
    }
  }
  yield { type: 'redacted', ...redactor.flush() };
}

/** Redacted text through the output guardrail (when there is one), then to the user. */
async function* guardOutput(
  events: AsyncGenerator<StreamEvent | { type: 'redacted'; text: string; categories: string[] }>,
  output: OutputGuardBuffer | undefined,
  shown: Shown,
): AsyncGenerator<StreamEvent> {
  for await (const event of events) {
    if (event.type !== 'redacted') {
      // A tool call or any other event: what was held is checked and shown first.
      for (const verdict of (await output?.flush()) ?? []) yield* release(verdict, shown);
      if (output?.blocked) return;
      yield event;
      continue;
    }
    if (!output) {
      yield* show(event, shown);
      continue;
    }
    if (event.categories.length) yield* show({ text: '', categories: event.categories }, shown);
    for (const verdict of await output.push(event.text)) yield* release(verdict, shown);
    if (output.blocked) return;
  }
  for (const verdict of (await output?.flush()) ?? []) yield* release(verdict, shown);
}

function* release(verdict: TextVerdict, shown: Shown): Generator<StreamEvent> {
  if (verdict.action === 'blocked') return;
  yield* show({ text: verdict.text, categories: [] }, shown);
  if (verdict.action === 'masked')
    yield guardrailEvent('output', verdict.categories, 'A Bedrock guardrail masked part of the answer.');
}

/** What the user sees is what is stored. */
function* show(out: { text: string; categories: string[] }, shown: Shown): Generator<StreamEvent> {
  shown.text += out.text;
  if (out.text) yield { type: 'text', text: out.text };
  if (out.categories.length)
    yield guardrailEvent('output', out.categories, `Redacted ${out.categories.join(', ')} from the answer.`);
}

async function markBlocked(deps: ServiceDeps, actor: Actor, prepared: PreparedChat): Promise<void> {
  try {
    await deps.memory.amendTurn(actor.actorId, prepared.session.sessionId, prepared.userTurnIndex, {
      text: '[This message was blocked by a guardrail and is not kept.]',
      status: 'blocked',
      messages: [],
    });
    // A title made from the message would keep it.
    if (prepared.created)
      await deps.memory.renameSession(actor.actorId, prepared.session.sessionId, 'Blocked message');
  } catch (error) {
    // The stream still ends properly; the message stays stored as it was sent (already redacted).
    deps.log.error('could not mark the blocked message', { error });
  }
}

/** A Bedrock guardrail stopped the turn: say where, and keep a blocked message out of the history. */
async function* reportIntervention(
  deps: ServiceDeps,
  actor: Actor,
  prepared: PreparedChat,
  record: TurnRecord,
  shown: Shown,
): AsyncGenerator<StreamEvent> {
  const verdict = traceVerdict(record.guardrailTrace);
  const onInput = verdict.stage === 'input' || (record.guardrailTrace === undefined && shown.text === '');
  if (onInput && !prepared.decisions) await markBlocked(deps, actor, prepared);
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
