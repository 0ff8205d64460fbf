/**
 * The Anthropic API through `@anthropic-ai/sdk` (Messages, streamed). The only module that knows
 * its shapes: the project's messages go out as Messages with `cache_control` breakpoints on the
 * system, the tools and the conversation so far; the stream comes back as model events, and the
 * SDK's errors as `ModelError`s that name what to fix.
 */
import Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  RawMessageStreamEvent,
  StopReason as AnthropicStopReason,
  TextBlockParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import {
  cancelledCall,
  clientPerKey,
  readStream,
  requiredKey,
  retryAfter,
  SET_KEY,
  withKey,
} from '../adapter-kit';
import {
  forgetSecrets,
  isConnectionFailure,
  ModelError,
  scrubbed,
  unexpectedModelError,
  type ModelErrorKind,
} from '../errors';
import type { ModelOptions } from '../options';
import { ResponseBudget } from '../response-budget';
import type { ContentBlock, Message, Model, ModelEvent, ModelInfo, ModelRequest, StopReason } from '../types';
import { tokenCount } from '../usage';

const DEFAULT_BASE_URL = 'https://api.anthropic.com';
const CACHE = { type: 'ephemeral' } as const;

export function createModel(options: ModelOptions): Model {
  const modelId = options.modelId;
  // Always explicit, so ANTHROPIC_BASE_URL in the environment never redirects the key.
  const baseURL = options.baseUrl ?? DEFAULT_BASE_URL;
  // An explicit apiKey: the SDK reads no credential from the environment or disk. It sends the key
  // itself (this SDK version as `Authorization: Bearer`). The loop retries, so the SDK does not;
  // its logger stays off so nothing it logs can carry a header.
  const clientFor = clientPerKey(
    (key) => new Anthropic({ apiKey: key, baseURL, maxRetries: 0, logLevel: 'off' }),
  );
  const keys = requiredKey(options.apiKey, 'anthropic', {
    none: `No Anthropic API key: ${SET_KEY}.`,
    unreadable: 'No Anthropic API key.',
  });
  const context = { modelId, baseURL };
  const call = withKey(keys, (error, key, signal) => anthropicError(error, { ...context, key, signal }));
  return {
    provider: 'anthropic',
    modelId,
    async *stream(request, signal) {
      const body = toAnthropic(modelId, request);
      const { value: stream, key } = await call(signal, (k) =>
        clientFor(k).messages.create(body, { signal }),
      );
      const fail = (error: unknown) => anthropicError(error, { ...context, key, signal, streaming: true });
      const budget = new ResponseBudget('anthropic', request.maxTokens);
      yield* readStream(stream, new AnthropicReader(budget), signal, fail, cancelled);
    },
    async listModels(signal) {
      const { value } = await call(signal, async (k) => {
        const models: ModelInfo[] = [];
        for await (const m of clientFor(k).models.list({ limit: 1000 }, { signal }))
          models.push({ id: m.id, ...(m.display_name ? { name: m.display_name } : {}) });
        return models;
      });
      return value;
    },
  };
}

/** The Messages request for one call. */
export function toAnthropic(modelId: string, request: ModelRequest): MessageCreateParamsStreaming {
  const cache = request.cache;
  const system: TextBlockParam[] = [
    { type: 'text', text: request.system, ...(cache ? { cache_control: CACHE } : {}) },
  ];
  // After the breakpoint: a note that changes per turn never invalidates the cached prefix.
  if (request.systemNote) system.push({ type: 'text', text: request.systemNote });
  const tools: Tool[] = request.tools.map((t) => ({
    name: t.name,
    description: t.description,
    input_schema: t.inputSchema as Tool['input_schema'],
  }));
  const lastTool = tools.at(-1);
  if (cache && lastTool) lastTool.cache_control = CACHE;
  const messages = request.messages.map(toAnthropicMessage);
  if (cache) {
    // The conversation so far is the prefix of the next call: mark its last cacheable block.
    const content = messages.at(-1)?.content;
    const block = Array.isArray(content) ? content.findLast((b) => b.type !== 'thinking') : undefined;
    if (block) (block as { cache_control?: unknown }).cache_control = CACHE;
  }
  return {
    model: modelId,
    max_tokens: request.maxTokens,
    system,
    messages,
    ...(tools.length ? { tools } : {}),
    stream: true,
  };
}

function toAnthropicMessage(message: Message): MessageParam & { content: ContentBlockParam[] } {
  return { role: message.role, content: message.content.flatMap(toAnthropicBlock) };
}

function toAnthropicBlock(block: ContentBlock): ContentBlockParam[] {
  switch (block.type) {
    case 'text':
      return block.text ? [{ type: 'text', text: block.text }] : [];
    case 'toolUse':
      return [{ type: 'tool_use', id: block.toolUseId, name: block.name, input: block.input ?? {} }];
    case 'toolResult':
      return [
        {
          type: 'tool_result',
          tool_use_id: block.toolUseId,
          content: block.text,
          ...(block.status === 'error' ? { is_error: true } : {}),
        },
      ];
    case 'reasoning':
      // Claude wants its thinking back with the tool results, signed; unsigned thinking is refused.
      return block.signature ? [{ type: 'thinking', thinking: block.text, signature: block.signature }] : [];
  }
}

/** The Messages stream as model events: a tool call is emitted whole at its block's end. */
class AnthropicReader {
  private readonly tools = new Map<number, { toolUseId: string; name: string; json: string }>();
  private usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  private stopReason: StopReason = 'end_turn';

  /** `budget`: tool input is held until its block ends, so it counts against the response as it comes. */
  constructor(private readonly budget: ResponseBudget) {}

  *accept(event: RawMessageStreamEvent): Generator<ModelEvent> {
    switch (event.type) {
      case 'message_start':
        this.takeUsage(event.message.usage);
        return;
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'tool_use')
          this.tools.set(event.index, { toolUseId: block.id, name: block.name, json: '' });
        else if (block.type === 'text' && block.text) yield { type: 'text', text: block.text };
        else if (block.type === 'thinking' && (block.thinking || block.signature))
          yield {
            type: 'reasoning',
            text: block.thinking,
            ...(block.signature ? { signature: block.signature } : {}),
          };
        return;
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta.type === 'text_delta') {
          if (delta.text) yield { type: 'text', text: delta.text };
        } else if (delta.type === 'input_json_delta') {
          const tool = this.tools.get(event.index);
          if (tool) tool.json += this.budget.take(delta.partial_json);
        } else if (delta.type === 'thinking_delta') {
          if (delta.thinking) yield { type: 'reasoning', text: delta.thinking };
        } else if (delta.type === 'signature_delta') {
          yield { type: 'reasoning', text: '', signature: delta.signature };
        }
        return;
      }
      case 'content_block_stop': {
        const tool = this.tools.get(event.index);
        if (tool) {
          this.tools.delete(event.index);
          yield toolUse(tool);
        }
        return;
      }
      case 'message_delta':
        if (event.delta.stop_reason) this.stopReason = stopReason(event.delta.stop_reason);
        this.takeUsage(event.usage);
        return;
      case 'message_stop': {
        for (const tool of this.tools.values()) yield toolUse(tool);
        this.tools.clear();
        yield { type: 'stop', reason: this.stopReason };
        const { input, output, cacheRead, cacheWrite } = this.usage;
        yield {
          type: 'usage',
          usage: {
            // Anthropic's input_tokens leaves out the cached ones; the contract counts every input token.
            inputTokens: input + cacheRead + cacheWrite,
            outputTokens: output,
            ...(cacheRead ? { cacheReadTokens: cacheRead } : {}),
            ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}),
          },
        };
        return;
      }
    }
  }

  /** message_start has the input counts, message_delta the cumulative ones (nulls, or none: unchanged). */
  private takeUsage(u?: {
    input_tokens?: number | null;
    output_tokens?: number | null;
    cache_read_input_tokens?: number | null;
    cache_creation_input_tokens?: number | null;
  }): void {
    // Each figure made a count before it is summed: a string would concatenate, a negative one
    // would lower the turn's total past the daily budget (usage.ts).
    if (!u) return;
    const count = (v: number | null | undefined, was: number) => (v == null ? was : tokenCount(v));
    this.usage = {
      input: count(u.input_tokens, this.usage.input),
      output: count(u.output_tokens, this.usage.output),
      cacheRead: count(u.cache_read_input_tokens, this.usage.cacheRead),
      cacheWrite: count(u.cache_creation_input_tokens, this.usage.cacheWrite),
    };
  }
}

function toolUse(tool: { toolUseId: string; name: string; json: string }): ModelEvent {
  return { type: 'toolUse', toolUseId: tool.toolUseId, name: tool.name, input: tool.json };
}

function stopReason(reason: AnthropicStopReason): StopReason {
  switch (reason) {
    case 'tool_use':
      return 'tool_use';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max_tokens';
    case 'refusal':
      return 'content_filtered';
    default:
      return 'end_turn';
  }
}

const TOO_LONG =
  /prompt is too long|too many (input )?tokens|context (window|length)|exceeds the maximum number of tokens/i;

const cancelled = () => cancelledCall('anthropic', 'Anthropic');

/** What the Anthropic SDK threw, as a `ModelError` that names the provider and the fix. */
export function anthropicError(
  error: unknown,
  context: { modelId: string; baseURL: string; key?: string; signal?: AbortSignal; streaming?: boolean },
): ModelError {
  if (error instanceof ModelError) return error;
  // Kept as the cause, which is logged: no field of it may hold the key a server echoed.
  forgetSecrets(error, [context.key]);
  if (context.signal?.aborted || (error as Error)?.name === 'APIUserAbortError') return cancelled();
  const make = (kind: ModelErrorKind, message: string, extra: { retryAfterSeconds?: number } = {}) =>
    new ModelError(kind, 'anthropic', message, { cause: error, ...extra });
  if (!(error instanceof Anthropic.APIError) || error instanceof Anthropic.APIConnectionError) {
    if (isConnectionFailure(error) || error instanceof Anthropic.APIConnectionError)
      return context.streaming
        ? make('unavailable', 'The Anthropic stream broke off mid-answer: try again.')
        : make(
            'unavailable',
            `Nothing answered at ${context.baseURL}: check MODEL_BASE_URL and the network.`,
          );
    return unexpectedModelError('anthropic', error);
  }
  const body = error.error as { error?: { type?: string; message?: unknown } } | undefined;
  const type = error.type ?? body?.error?.type ?? '';
  const said = scrubbed(error.apiMessage ?? body?.error?.message, [context.key]);
  const detail = said ? ` (${said})` : '';
  const status = error.status;
  if (status === 401 || type === 'authentication_error')
    return make('auth', `The Anthropic API refused the key: ${SET_KEY}.`);
  if (status === 403 || type === 'permission_error')
    return make('access', `The Anthropic API does not let this key use ${context.modelId}${detail}.`);
  if (status === 404 || type === 'not_found_error')
    return make(
      'not_found',
      `The Anthropic API has no model ${context.modelId}: set MODEL_ID to one the key can use (the model list shows them).`,
    );
  if (status === 429 || type === 'rate_limit_error')
    return make('throttled', `The Anthropic API is rate-limiting requests; try again shortly${detail}.`, {
      ...retryAfter(error.headers),
    });
  if (status === 413 || TOO_LONG.test(said))
    return make(
      'context_too_long',
      `The conversation is too long for ${context.modelId} at the Anthropic API${detail}.`,
    );
  if (
    status === 529 ||
    type === 'overloaded_error' ||
    (status !== undefined && status >= 500) ||
    type === 'api_error'
  )
    return make('unavailable', `The Anthropic API is unavailable or overloaded; try again shortly${detail}.`);
  if (status === 400 || type === 'invalid_request_error')
    return make('invalid', `The Anthropic API rejected the request${detail}.`);
  return make('unavailable', `The Anthropic API failed${status ? ` (${status})` : ''}${detail}.`);
}
