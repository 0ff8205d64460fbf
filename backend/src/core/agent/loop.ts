/**
 * One agent turn: call the model, stream its text, run the tools it asks for, feed the results
 * back, until it ends its turn. Bounded by an iteration cap, cancelled by an AbortSignal, and every
 * tool failure becomes a tool result the model can read. Provider-neutral: the model is any
 * adapter of model/providers.ts. The turn's record is created here and written only here.
 */
import type { DoneReason, StreamEvent, TurnToolCall } from '../../protocol';
import { ModelError } from '../model/errors';
import type { Message } from '../model/types';
import type { TurnTelemetry } from '../telemetry/types';
import type { ToolContext } from '../tools/types';
import type { ToolRegistry } from '../tools/registry';
import { asModelError, ModelStep, streamModelStep, type ModelStepOptions } from './model-step';
import { runToolCalls, type ToolOutputGuard } from './tool-calls';
import { addTokens, noTokens, type TurnRecord, type TurnStart } from './turn-record';

export interface AgentTurnOptions extends Omit<ModelStepOptions, 'maxTokens' | 'cache'> {
  /** The conversation so far, ending with the new user message (or the decided tool results). */
  history: Message[];
  tools: ToolRegistry;
  toolContext: Omit<ToolContext, 'signal'>;
  maxIterations?: number;
  maxTokens?: number;
  maxToolOutputChars?: number;
  /** Ask the provider to cache the prefix (default true). */
  cache?: boolean;
  /** Checks every tool result before the model reads it. */
  toolGuard?: ToolOutputGuard;
  /** Told about each model call, for metrics and traces. */
  telemetry?: TurnTelemetry;
  /** False when the caller may not approve (APPROVER_GROUPS): the cards say so. Default true. */
  canApprove?: boolean;
  /** APPROVER_GROUPS, named on the cards of a caller who may not approve. */
  approverGroups?: readonly string[];
  /** What the turn produced before this first model call (a resumed approval's decided calls). */
  start?: TurnStart;
}

export interface AgentTurn {
  /**
   * The turn's events; returns its record. Throws a `ModelError` when a model call fails (what
   * streamed before is in `record`); a cancelled turn ends with `cancelled`.
   */
  events: AsyncGenerator<StreamEvent, TurnRecord>;
  /**
   * What the turn has produced so far, as a read-only copy: complete once `events` returned, threw,
   * or was left unfinished (a failure on the caller's side).
   */
  readonly record: TurnRecord;
}

/** Tool output beyond this is cut, with a note to the model. */
export const MAX_TOOL_OUTPUT_CHARS = 16_000;

/** The answer's budget per model call (the output share of the context window). */
export const DEFAULT_MAX_TOKENS = 4096;

const DEFAULT_MAX_ITERATIONS = 10;

export function runAgentTurn(options: AgentTurnOptions): AgentTurn {
  const recorder = new Recorder(options.start);
  return {
    events: agentLoop(options, recorder),
    get record() {
      return recorder.view();
    },
  };
}

/** The record as it grows; only the loop holds it, everyone else gets a copy. */
class Recorder {
  private readonly toolCalls: TurnToolCall[];
  private readonly messages: Message[];
  private readonly usage = noTokens();
  private stopReason: DoneReason | undefined;
  private guardrailTrace: unknown;

  constructor(start: TurnStart = {}) {
    this.toolCalls = [...(start.toolCalls ?? [])];
    this.messages = [...(start.messages ?? [])];
    addTokens(this.usage, start.usage);
  }

  addMessage(message: Message, conversation: Message[]): void {
    conversation.push(message);
    this.messages.push(message);
  }

  addCalls(calls: readonly TurnToolCall[]): void {
    this.toolCalls.push(...calls);
  }

  addStep(step: ModelStep, conversation: Message[]): void {
    addTokens(this.usage, step.usage);
    if (step.guardrailTrace !== undefined) this.guardrailTrace = step.guardrailTrace;
    const message = step.message();
    if (message) this.addMessage(message, conversation);
  }

  stop(reason: DoneReason): TurnRecord {
    this.stopReason = reason;
    return this.view();
  }

  view(): TurnRecord {
    return {
      toolCalls: [...this.toolCalls],
      messages: [...this.messages],
      usage: { ...this.usage },
      stopReason: this.stopReason,
      guardrailTrace: this.guardrailTrace,
    };
  }
}

async function* agentLoop(
  options: AgentTurnOptions,
  recorder: Recorder,
): AsyncGenerator<StreamEvent, TurnRecord> {
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const conversation = [...options.history];
  const tools = options.tools.toolSpecs();
  const stepOptions: ModelStepOptions = {
    ...options,
    maxTokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
    cache: options.cache ?? true,
  };

  for (let iteration = 0; ; iteration++) {
    if (options.signal.aborted) return recorder.stop('cancelled');
    if (iteration >= maxIterations) return recorder.stop('max_iterations');

    const step = new ModelStep();
    const call = options.telemetry?.modelCall();
    try {
      yield* streamModelStep(stepOptions, conversation, tools, step);
    } catch (error) {
      call?.end({ outcome: 'error' });
      // What the client saw of the answer is kept for the interrupted turn.
      if (step.shown) recorder.addStep(step, conversation);
      if (options.signal.aborted) return recorder.stop('cancelled');
      throw asModelError(options.model, error);
    }
    call?.end({ outcome: 'success', ...step.usage });
    recorder.addStep(step, conversation);

    switch (step.stopReason) {
      case 'tool_use': {
        const outcome = yield* runToolCalls(step.toolUses, {
          tools: options.tools,
          context: { ...options.toolContext, signal: options.signal },
          maxOutputChars: options.maxToolOutputChars ?? MAX_TOOL_OUTPUT_CHARS,
          canApprove: options.canApprove ?? true,
          ...(options.approverGroups ? { approverGroups: options.approverGroups } : {}),
          ...(options.toolGuard ? { guard: options.toolGuard } : {}),
        });
        recorder.addCalls(outcome.toolCalls);
        if (outcome.toolResults.length > 0)
          recorder.addMessage({ role: 'user', content: outcome.toolResults }, conversation);
        if (outcome.waitingForApproval) return recorder.stop('approval_required');
        continue;
      }
      case 'max_tokens':
        return recorder.stop('max_tokens');
      case 'guardrail_intervened':
      case 'content_filtered':
        return recorder.stop('guardrail_intervened');
      case 'end_turn':
        return recorder.stop('end_turn');
      case undefined:
        // The stream closed without a stop: the connection was cut mid-answer.
        throw new ModelError(
          'unavailable',
          options.model.provider,
          'The model stream ended before the answer did.',
        );
    }
  }
}
