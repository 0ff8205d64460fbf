/**
 * One model call of a turn: its events streamed to the client as they come, its response gathered
 * into one assistant message, retried while nothing of it has reached the client.
 */
import type { StreamEvent } from '../../protocol';
import { ModelError, unexpectedModelError } from '../model/errors';
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
        if (!event.text) return;
        if (last?.type === 'text') last.text += event.text;
        else this.content.push({ type: 'text', text: event.text });
        this.shown = true;
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
        addTokens(this.usage, event.usage);
        return;
      case 'guardrailTrace':
        this.guardrailTrace = event.trace;
        return;
    }
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

function parseToolInput(json: string): unknown {
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
    try {
      for await (const event of options.model.stream(request, options.signal)) yield* step.accept(event);
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
