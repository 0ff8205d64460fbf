/**
 * One model call of a turn: its events streamed to the client as they come, its response gathered
 * into one assistant message, retried while nothing of it has reached the client.
 */
import { randomUUID } from 'node:crypto';
import type { StreamEvent } from '../../protocol';
import { ModelError, unexpectedModelError } from '../model/errors';
import { ResponseBudget } from '../model/response-budget';
import { cleanUsage } from '../model/usage';
import type {
  ContentBlock,
  Message,
  Model,
  ModelEvent,
  ModelRequest,
  StopReason,
  Usage,
} from '../model/types';
import type { PendingToolUse } from './tool-calls';
import { addTokens, noTokens } from './turn-record';

export interface ModelStepOptions {
  model: Model;
  system: string;
  systemNote?: string;
  signal: AbortSignal;
  maxTokens: number;
  cache: boolean;
  fitContext?: (messages: Message[], harder: boolean) => Message[];
  contextRefused?: (messages: Message[]) => void;
  observeCall?: (messages: Message[], usage: Usage) => void;
  retry?: {
    attempts: number;
    baseDelayMs: number;
    sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  };
}

/** Accumulates one model response: text, reasoning and whole tool calls, in the order they came. */
export class ModelStep {
  private content: ContentBlock[] = [];
  stopReason: StopReason | undefined;
  usage = noTokens();
  guardrailTrace: unknown;
  /** Something of this response reached the client: it cannot be taken back, or retried. */
  shown = false;

  get received(): boolean {
    return this.content.length > 0;
  }

  *accept(event: ModelEvent): Generator<StreamEvent> {
    const last = this.content.at(-1);
    switch (event.type) {
      case 'text':
        // A server may send a number or an object as content: only text is an answer.
        if (!event.text || typeof event.text !== 'string') return;
        if (last?.type === 'text') last.text += event.text;
        else this.content.push({ type: 'text', text: event.text });
        this.shown = true;
        yield { type: 'text', text: event.text };
        return;
      case 'reasoning':
        if (typeof event.text !== 'string') return;
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
          toolUseId: this.ownId(event.toolUseId),
          name: toolName(event.name),
          input: parseToolInput(event.input),
        });
        return;
      case 'stop':
        this.stopReason = event.reason;
        return;
      case 'usage':
        // Whatever the adapter passed on: a figure that is not a count never reaches the sum.
        addTokens(this.usage, cleanUsage(event.usage));
        return;
      case 'guardrailTrace':
        this.guardrailTrace = event.trace;
        return;
    }
  }

  /**
   * The call's id, or a new one when it has none, is not an id a provider takes back, or another
   * call of this response has it: each result must pair with its call, and a duplicate or odd id
   * in the history would have every later request of the conversation refused.
   */
  private ownId(id: unknown): string {
    const taken = (candidate: string) =>
      this.content.some((c) => c.type === 'toolUse' && c.toolUseId === candidate);
    return typeof id === 'string' && TOOL_USE_ID.test(id) && !taken(id) ? id : `call_${randomUUID()}`;
  }

  /** 'tool_use' with no call (a confused or hostile server) is the end of the answer. */
  settle(): void {
    // Else the loop would call the model again with nothing answered, up to the iteration cap.
    if (this.stopReason === 'tool_use' && !this.content.some((c) => c.type === 'toolUse'))
      this.stopReason = 'end_turn';
  }

  get toolUses(): PendingToolUse[] {
    return this.content.flatMap((b) =>
      b.type === 'toolUse' ? [{ toolUseId: b.toolUseId, name: b.name, input: b.input }] : [],
    );
  }

  /** The assistant message to keep, if any. */
  message(): Message | undefined {
    // A response cut before its tool calls ran must not leave toolUse blocks without results, and
    // a reasoning block alone is nothing to replay.
    const kept = this.stopReason !== undefined ? this.content : this.content.filter((c) => c.type === 'text');
    return kept.length > 0 ? { role: 'assistant', content: kept } : undefined;
  }

  /** Forgets a response that failed before anything of it was shown, for the next attempt. */
  reset(): void {
    this.content = [];
    this.stopReason = undefined;
    this.usage = noTokens();
    this.guardrailTrace = undefined;
    this.shown = false;
  }
}

/** What every tool's name matches (the providers' own rule; MCP names are made to fit it, mcp/names.ts). */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** Ids the providers issue and take back (OpenAI `call_…`, Anthropic `toolu_…`, Bedrock `tooluse_…`). */
const TOOL_USE_ID = /^[a-zA-Z0-9_-]{1,128}$/;
/** The name kept for a call whose name no tool can have: it runs nothing and replays everywhere. */
export const INVALID_TOOL_NAME = 'invalid_tool_name';

/**
 * A name no tool has (control characters, 10 KB, empty, not a string) names no tool that could
 * run; kept as written it would be shown and stored as is, and every provider refuses it when the
 * history is sent back. The model is told there is no such tool, as for any unknown name.
 */
function toolName(name: unknown): string {
  return typeof name === 'string' && TOOL_NAME.test(name) ? name : INVALID_TOOL_NAME;
}

function parseToolInput(json: string): unknown {
  // A server may send the arguments as an object rather than JSON text: that is not what was asked.
  if (typeof json !== 'string') return { __invalidJson: String(JSON.stringify(json) ?? '').slice(0, 2000) };
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json);
  } catch {
    // Kept as a marker; the tool runner reports it to the model as an input error.
    return { __invalidJson: json.slice(0, 2000) };
  }
}

export function asModelError(model: Model, error: unknown): ModelError {
  return error instanceof ModelError ? error : unexpectedModelError(model.provider, error);
}

/**
 * One model call into `step`, retried with backoff on throttling and transient faults, but only
 * while nothing of it has reached the client: a retry after streamed text would repeat that text. A
 * context the model refuses as too long is compacted harder and sent once more. Throws what the
 * model threw; `step` then holds what was shown of the response.
 */
export async function* streamModelStep(
  options: ModelStepOptions,
  conversation: Message[],
  tools: ModelRequest['tools'],
  step: ModelStep,
): AsyncGenerator<StreamEvent> {
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
      maxTokens: options.maxTokens,
      cache: options.cache,
    };
    step.reset();
    // Each attempt may carry one response's worth; past it the call stops (response-budget.ts).
    const budget = new ResponseBudget(options.model.provider, options.maxTokens);
    try {
      for await (const event of options.model.stream(request, options.signal)) {
        budget.count(event);
        yield* step.accept(event);
      }
      step.settle();
      options.observeCall?.(request.messages, step.usage);
      return;
    } catch (error) {
      if (step.shown) throw error;
      const modelError = asModelError(options.model, error);
      const refused = modelError.kind === 'context_too_long' && !step.received;
      if (refused) options.contextRefused?.(request.messages);
      if (refused && options.fitContext && !compactedOnce) {
        compactedOnce = harder = true;
        continue;
      }
      if (options.signal.aborted || attempt >= retry.attempts || !modelError.retryNow) throw error;
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
