/**
 * One agent turn: call the model, stream its text, run the tools it asks for, feed the results
 * back, until it ends its turn. Bounded by an iteration cap, cancelled by an AbortSignal, and every
 * tool failure becomes a tool result the model can read.
 */
import type { ContentBlock, Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { DoneReason, StreamEvent, TurnToolCall } from '../../protocol';
import type { TurnTelemetry } from '../telemetry/types';
import type { ToolContext } from '../tools/types';
import type { ToolRegistry } from '../tools/registry';
import { classifyModelError, type ModelFailure } from './model-errors';
import type { ModelClient, ModelRequest, ModelStreamEvent } from './model';
import { runToolCalls, type PendingToolUse, type ToolOutputGuard } from './tool-calls';

export interface AgentTurnOptions {
  model: ModelClient;
  modelId: string;
  system: string;
  /** The conversation so far, ending with the new user message. */
  history: Message[];
  tools: ToolRegistry;
  toolContext: Omit<ToolContext, 'signal'>;
  signal: AbortSignal;
  maxIterations?: number;
  maxTokens?: number;
  maxToolOutputChars?: number;
  guardrail?: { identifier: string; version: string; streamProcessingMode?: 'sync' | 'async' };
  /** Checks every tool result before the model reads it. */
  toolGuard?: ToolOutputGuard;
  /** Told about each model call, for metrics and traces. */
  telemetry?: TurnTelemetry;
  retry?: {
    attempts: number;
    baseDelayMs: number;
    sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  };
}

/** What the turn produced so far; the caller stores it even when the turn breaks off. */
export class TurnRecord {
  /** The answer as shown to the user; the caller sets it from the text events it passed on. */
  text = '';
  toolCalls: TurnToolCall[] = [];
  /** The messages this turn added after the user's, in Converse form, for faithful replay. */
  messages: Message[] = [];
  inputTokens = 0;
  outputTokens = 0;
  stopReason: DoneReason | undefined;
  failure: ModelFailure | undefined;
  /** Bedrock's guardrail trace of the last model call, when a guardrail is configured. */
  guardrailTrace: unknown;
}

export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  constructor(
    readonly failure: ModelFailure,
    options?: { cause?: unknown },
  ) {
    super(failure.message, options);
  }
}

/** Tool output beyond this is cut, with a note to the model. */
export const MAX_TOOL_OUTPUT_CHARS = 16_000;

const DEFAULTS = { maxIterations: 10, maxTokens: 4096, maxToolOutputChars: MAX_TOOL_OUTPUT_CHARS };

export async function* runAgentTurn(
  options: AgentTurnOptions,
  record: TurnRecord,
): AsyncGenerator<StreamEvent> {
  const maxIterations = options.maxIterations ?? DEFAULTS.maxIterations;
  const conversation = [...options.history];
  const toolConfig = options.tools.size > 0 ? { tools: options.tools.toBedrockTools() } : undefined;
  const system: SystemContentBlock[] = [{ text: options.system }];

  for (let iteration = 0; ; iteration++) {
    if (options.signal.aborted) return void (record.stopReason = 'cancelled');
    if (iteration >= maxIterations) return void (record.stopReason = 'max_iterations');

    let step: ModelStep;
    const call = options.telemetry?.modelCall();
    try {
      step = yield* streamModelStep(options, {
        modelId: options.modelId,
        system,
        messages: conversation,
        toolConfig,
      });
    } catch (error) {
      call?.end({ outcome: 'error' });
      if (error instanceof PartialStepError) error.step.flushInto(record, conversation);
      if (options.signal.aborted) return void (record.stopReason = 'cancelled');
      const cause = error instanceof PartialStepError ? error.cause : error;
      const failure = classifyModelError(cause);
      record.failure = failure;
      throw new ModelCallError(failure, { cause });
    }
    call?.end({ outcome: 'success', inputTokens: step.inputTokens, outputTokens: step.outputTokens });
    record.inputTokens += step.inputTokens;
    record.outputTokens += step.outputTokens;
    if (step.guardrailTrace !== undefined) record.guardrailTrace = step.guardrailTrace;
    step.flushInto(record, conversation);

    switch (step.stopReason) {
      case 'tool_use': {
        const outcome = yield* runToolCalls(step.toolUses, {
          tools: options.tools,
          context: { ...options.toolContext, signal: options.signal },
          maxOutputChars: options.maxToolOutputChars ?? DEFAULTS.maxToolOutputChars,
          record,
          ...(options.toolGuard ? { guard: options.toolGuard } : {}),
        });
        if (outcome.toolResults.length > 0) {
          const results: Message = { role: 'user', content: outcome.toolResults };
          conversation.push(results);
          record.messages.push(results);
        }
        if (outcome.waitingForApproval) return void (record.stopReason = 'approval_required');
        continue;
      }
      case 'max_tokens':
        return void (record.stopReason = 'max_tokens');
      case 'guardrail_intervened':
      case 'content_filtered':
        return void (record.stopReason = 'guardrail_intervened');
      default:
        if (step.stopReason === undefined) {
          // The stream closed without messageStop: the connection was cut mid-answer.
          const failure = classifyModelError({ name: 'ModelStreamErrorException' });
          record.failure = failure;
          throw new ModelCallError(failure);
        }
        return void (record.stopReason = 'end_turn');
    }
  }
}

/** Accumulates one model response: text blocks, tool-use blocks with their partial JSON input. */
class ModelStep {
  private readonly blocks = new Map<number, { text?: string; toolUse?: PendingToolUse & { json: string } }>();
  stopReason: string | undefined;
  inputTokens = 0;
  outputTokens = 0;
  guardrailTrace: unknown;
  private flushed = false;

  *accept(event: ModelStreamEvent): Generator<StreamEvent> {
    if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId = '', name = '' } = event.contentBlockStart.start.toolUse;
      this.blocks.set(event.contentBlockStart.contentBlockIndex ?? 0, {
        toolUse: { toolUseId, name, json: '', input: {} },
      });
    } else if (event.contentBlockDelta) {
      const index = event.contentBlockDelta.contentBlockIndex ?? 0;
      const delta = event.contentBlockDelta.delta;
      const block = this.blocks.get(index) ?? {};
      this.blocks.set(index, block);
      if (delta?.text !== undefined) {
        block.text = (block.text ?? '') + delta.text;
        if (delta.text) yield { type: 'text', text: delta.text };
      } else if (delta?.toolUse?.input !== undefined && block.toolUse) {
        block.toolUse.json += delta.toolUse.input;
      }
    } else if (event.messageStop) {
      this.stopReason = event.messageStop.stopReason;
    } else if (event.metadata) {
      this.inputTokens += event.metadata.usage?.inputTokens ?? 0;
      this.outputTokens += event.metadata.usage?.outputTokens ?? 0;
      if (event.metadata.trace?.guardrail) this.guardrailTrace = event.metadata.trace.guardrail;
    } else {
      const exception = Object.entries(event).find(([key, value]) => key.endsWith('Exception') && value);
      if (exception)
        throw Object.assign(new Error(String((exception[1] as Error).message ?? '')), {
          name: upperFirst(exception[0]),
        });
    }
  }

  get toolUses(): PendingToolUse[] {
    return [...this.blocks.values()].flatMap((b) => (b.toolUse ? [b.toolUse] : []));
  }

  /** Adds the assistant message (if any) to the conversation and the record, once. */
  flushInto(record: TurnRecord, conversation: Message[]): void {
    if (this.flushed) return;
    this.flushed = true;
    const content: ContentBlock[] = [];
    for (const [, block] of [...this.blocks.entries()].sort(([a], [b]) => a - b)) {
      if (block.text) content.push({ text: block.text });
      if (block.toolUse) {
        block.toolUse.input = parseToolInput(block.toolUse.json);
        content.push({
          toolUse: {
            toolUseId: block.toolUse.toolUseId,
            name: block.toolUse.name,
            input: block.toolUse.input as never,
          },
        });
      }
    }
    // A response cut before its tool calls ran must not leave toolUse blocks without results.
    const kept = this.stopReason !== undefined ? content : content.filter((c) => !c.toolUse);
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

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
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
 * of it has reached the client: a retry after streamed text would repeat that text.
 */
async function* streamModelStep(
  options: AgentTurnOptions,
  request: Pick<ModelRequest, 'modelId' | 'system' | 'messages' | 'toolConfig'>,
): AsyncGenerator<StreamEvent, ModelStep> {
  const retry = options.retry ?? { attempts: 3, baseDelayMs: 250 };
  const sleep = retry.sleep ?? abortableSleep;
  const fullRequest: ModelRequest = {
    ...request,
    inferenceConfig: { maxTokens: options.maxTokens ?? DEFAULTS.maxTokens },
    ...(options.guardrail
      ? {
          guardrailConfig: {
            guardrailIdentifier: options.guardrail.identifier,
            guardrailVersion: options.guardrail.version,
            streamProcessingMode: options.guardrail.streamProcessingMode ?? 'sync',
            // The trace says whether the input or the output tripped it, and which policy.
            trace: 'enabled',
          },
        }
      : {}),
  };
  for (let attempt = 1; ; attempt++) {
    const step = new ModelStep();
    let streamed = false;
    try {
      const stream = await options.model.converseStream(fullRequest, options.signal);
      for await (const event of stream) {
        for (const out of step.accept(event)) {
          streamed = true;
          yield out;
        }
      }
      return step;
    } catch (error) {
      const again =
        !streamed &&
        !options.signal.aborted &&
        attempt < retry.attempts &&
        classifyModelError(error).retryNow;
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
