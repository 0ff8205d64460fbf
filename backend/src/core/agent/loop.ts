/**
 * One agent turn: call the model, stream its text, run the tools it asks for, feed the results
 * back, until it ends its turn. Bounded by an iteration cap, cancelled by an AbortSignal, and every
 * tool failure becomes a tool result the model can read. Provider-neutral: the model is any
 * adapter of model/providers.ts.
 */
import type { StreamEvent } from '../../protocol';
import { failureOf, ModelError, unexpectedModelError, type ModelFailure } from '../model/errors';
import type {
  ContentBlock,
  Message,
  Model,
  ModelEvent,
  ModelRequest,
  StopReason,
  Usage,
} from '../model/types';
import type { TurnTelemetry } from '../telemetry/types';
import type { ToolContext } from '../tools/types';
import type { ToolRegistry } from '../tools/registry';
import { runToolCalls, type PendingToolUse, type ToolOutputGuard } from './tool-calls';
import { TurnRecord } from './turn-record';

export interface AgentTurnOptions {
  model: Model;
  system: string;
  /** What varies per turn (an MCP server that did not answer); sent after the cached prefix. */
  systemNote?: string;
  /** The conversation so far, ending with the new user message (or the decided tool results). */
  history: Message[];
  tools: ToolRegistry;
  toolContext: Omit<ToolContext, 'signal'>;
  signal: AbortSignal;
  maxIterations?: number;
  maxTokens?: number;
  maxToolOutputChars?: number;
  /** Ask the provider to cache the prefix (default true). */
  cache?: boolean;
  /**
   * Fits the conversation to the context budget before each call (tool results grow it within a
   * turn); `harder` after the model refused the context as too long.
   */
  fitContext?: (messages: Message[], harder: boolean) => Message[];
  /**
   * Told the messages of every request the model refused as too long (the retry's too), so the
   * estimate learns the model's real limit before the next fit.
   */
  contextRefused?: (messages: Message[]) => void;
  /** Told what each answered request held and what it cost (to calibrate the token estimate). */
  observeCall?: (messages: Message[], usage: Usage) => void;
  /** Checks every tool result before the model reads it. */
  toolGuard?: ToolOutputGuard;
  /** Told about each model call, for metrics and traces. */
  telemetry?: TurnTelemetry;
  retry?: {
    attempts: number;
    baseDelayMs: number;
    sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  };
  /** False when the caller may not approve (APPROVER_GROUPS): the cards say so. Default true. */
  canApprove?: boolean;
  /** APPROVER_GROUPS, named on the cards of a caller who may not approve. */
  approverGroups?: readonly string[];
  /** A record to continue (a resumed approval already holds the decided calls); else a new one. */
  record?: TurnRecord;
}

/** A model call failed; the turn's record says what was produced before. */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  constructor(
    readonly failure: ModelFailure,
    readonly record: TurnRecord,
    options?: { cause?: unknown },
  ) {
    super(failure.message, options);
  }
}

/** Tool output beyond this is cut, with a note to the model. */
export const MAX_TOOL_OUTPUT_CHARS = 16_000;

/** The answer's budget per model call (the output share of the context window). */
export const DEFAULT_MAX_TOKENS = 4096;

const DEFAULTS = {
  maxIterations: 10,
  maxTokens: DEFAULT_MAX_TOKENS,
  maxToolOutputChars: MAX_TOOL_OUTPUT_CHARS,
};

/**
 * Streams the turn's events and returns its record, which is also complete (partial step
 * included) when the generator throws a `ModelCallError` or is cancelled.
 */
export async function* runAgentTurn(options: AgentTurnOptions): AsyncGenerator<StreamEvent, TurnRecord> {
  const record = options.record ?? new TurnRecord();
  const maxIterations = options.maxIterations ?? DEFAULTS.maxIterations;
  const conversation = [...options.history];
  const tools = options.tools.toolSpecs();

  for (let iteration = 0; ; iteration++) {
    if (options.signal.aborted) return stop(record, 'cancelled');
    if (iteration >= maxIterations) return stop(record, 'max_iterations');

    let step: ModelStep;
    const call = options.telemetry?.modelCall();
    try {
      step = yield* streamModelStep(options, conversation, tools);
    } catch (error) {
      call?.end({ outcome: 'error' });
      if (error instanceof PartialStepError) error.step.flushInto(record, conversation);
      if (options.signal.aborted) return stop(record, 'cancelled');
      const cause = error instanceof PartialStepError ? error.cause : error;
      const failure = failureOf(asModelError(options.model, cause));
      record.failure = failure;
      throw new ModelCallError(failure, record, { cause });
    }
    call?.end({ outcome: 'success', ...step.usage });
    record.addUsage(step.usage);
    if (step.guardrailTrace !== undefined) record.guardrailTrace = step.guardrailTrace;
    step.flushInto(record, conversation);

    switch (step.stopReason) {
      case 'tool_use': {
        const outcome = yield* runToolCalls(step.toolUses, {
          tools: options.tools,
          context: { ...options.toolContext, signal: options.signal },
          maxOutputChars: options.maxToolOutputChars ?? DEFAULTS.maxToolOutputChars,
          record,
          canApprove: options.canApprove ?? true,
          ...(options.approverGroups ? { approverGroups: options.approverGroups } : {}),
          ...(options.toolGuard ? { guard: options.toolGuard } : {}),
        });
        if (outcome.toolResults.length > 0) {
          const results: Message = { role: 'user', content: outcome.toolResults };
          conversation.push(results);
          record.messages.push(results);
        }
        if (outcome.waitingForApproval) return stop(record, 'approval_required');
        continue;
      }
      case 'max_tokens':
        return stop(record, 'max_tokens');
      case 'guardrail_intervened':
      case 'content_filtered':
        return stop(record, 'guardrail_intervened');
      case 'end_turn':
        return stop(record, 'end_turn');
      case undefined: {
        // The stream closed without a stop: the connection was cut mid-answer.
        const failure = failureOf(
          new ModelError(
            'unavailable',
            options.model.provider,
            'The model stream ended before the answer did.',
          ),
        );
        record.failure = failure;
        throw new ModelCallError(failure, record);
      }
    }
  }
}

function stop(record: TurnRecord, reason: NonNullable<TurnRecord['stopReason']>): TurnRecord {
  record.stopReason = reason;
  return record;
}

function asModelError(model: Model, error: unknown): ModelError {
  return error instanceof ModelError ? error : unexpectedModelError(model.provider, error);
}

/** Accumulates one model response: text, reasoning and whole tool calls, in the order they came. */
class ModelStep {
  private readonly content: ContentBlock[] = [];
  stopReason: StopReason | undefined;
  usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  guardrailTrace: unknown;
  private flushed = false;

  *accept(event: ModelEvent): Generator<StreamEvent> {
    const last = this.content.at(-1);
    switch (event.type) {
      case 'text':
        if (!event.text) return;
        if (last?.type === 'text') last.text += event.text;
        else this.content.push({ type: 'text', text: event.text });
        yield { type: 'text', text: event.text };
        return;
      case 'reasoning':
        // Kept for the provider (some want it back with the tool results); never shown as the answer.
        if (last?.type === 'reasoning' && last.signature === undefined) {
          last.text += event.text;
          if (event.signature !== undefined) last.signature = event.signature;
        } else {
          this.content.push({
            type: 'reasoning',
            text: event.text,
            ...(event.signature !== undefined ? { signature: event.signature } : {}),
          });
        }
        return;
      case 'toolUse':
        this.content.push({
          type: 'toolUse',
          toolUseId: event.toolUseId,
          name: event.name,
          input: parseToolInput(event.input),
        });
        return;
      case 'stop':
        this.stopReason = event.reason;
        return;
      case 'usage':
        this.usage.inputTokens += event.usage.inputTokens;
        this.usage.outputTokens += event.usage.outputTokens;
        this.usage.cacheReadTokens += event.usage.cacheReadTokens ?? 0;
        this.usage.cacheWriteTokens += event.usage.cacheWriteTokens ?? 0;
        return;
      case 'guardrailTrace':
        this.guardrailTrace = event.trace;
        return;
    }
  }

  get streamedSomething(): boolean {
    return this.content.length > 0;
  }

  get toolUses(): PendingToolUse[] {
    return this.content.flatMap((b) =>
      b.type === 'toolUse' ? [{ toolUseId: b.toolUseId, name: b.name, input: b.input }] : [],
    );
  }

  /** Adds the assistant message (if any) to the conversation and the record, once. */
  flushInto(record: TurnRecord, conversation: Message[]): void {
    if (this.flushed) return;
    this.flushed = true;
    // A response cut before its tool calls ran must not leave toolUse blocks without results, and
    // a reasoning block alone is nothing to replay.
    const kept = this.stopReason !== undefined ? this.content : this.content.filter((c) => c.type === 'text');
    if (kept.length === 0) return;
    const message: Message = { role: 'assistant', content: kept };
    conversation.push(message);
    record.messages.push(message);
  }
}

function parseToolInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json);
  } catch {
    // Kept as a marker; the tool runner reports it to the model as an input error.
    return { __invalidJson: json.slice(0, 2000) };
  }
}

/** Thrown when a model step fails after some of it streamed; the partial step is kept. */
class PartialStepError extends Error {
  constructor(
    readonly step: ModelStep,
    options: { cause: unknown },
  ) {
    super('model step failed', options);
  }
}

/**
 * One model call, retried with backoff on throttling and transient faults, but only while nothing
 * of it has reached the client: a retry after streamed text would repeat that text. A context the
 * model refuses as too long is compacted harder and sent once more.
 */
async function* streamModelStep(
  options: AgentTurnOptions,
  conversation: Message[],
  tools: ModelRequest['tools'],
): AsyncGenerator<StreamEvent, ModelStep> {
  const retry = options.retry ?? { attempts: 3, baseDelayMs: 250 };
  const sleep = retry.sleep ?? abortableSleep;
  let harder = false;
  let compactedOnce = false;
  for (let attempt = 1; ; attempt++) {
    const request: ModelRequest = {
      system: options.system,
      ...(options.systemNote ? { systemNote: options.systemNote } : {}),
      messages: options.fitContext ? options.fitContext(conversation, harder) : conversation,
      tools,
      maxTokens: options.maxTokens ?? DEFAULTS.maxTokens,
      cache: options.cache ?? true,
    };
    const step = new ModelStep();
    let streamed = false;
    try {
      for await (const event of options.model.stream(request, options.signal)) {
        for (const out of step.accept(event)) {
          streamed = true;
          yield out;
        }
      }
      options.observeCall?.(request.messages, step.usage);
      return step;
    } catch (error) {
      const modelError = asModelError(options.model, error);
      const refused = !streamed && !step.streamedSomething && modelError.kind === 'context_too_long';
      if (refused) options.contextRefused?.(request.messages);
      if (refused && options.fitContext && !compactedOnce) {
        compactedOnce = harder = true;
        continue;
      }
      const again = !streamed && !options.signal.aborted && attempt < retry.attempts && modelError.retryNow;
      if (!again) throw streamed ? new PartialStepError(step, { cause: error }) : error;
      // Exponential backoff with full jitter, as the AWS SDKs do.
      await sleep(Math.random() * retry.baseDelayMs * 2 ** (attempt - 1), options.signal);
    }
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
