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
  isConnectionFailure,
  ModelError,
  scrubbed,
  unexpectedModelError,
  type ModelErrorKind,
} from './errors';
import type { ApiKeySource, ModelOptions } from './options';
import type { ContentBlock, Message, Model, ModelEvent, ModelInfo, ModelRequest, StopReason } from './types';

const DEFAULT_BASE_URL = 'https://api.anthropic.com';
const CACHE = { type: 'ephemeral' } as const;
const SET_KEY =
  'set a valid key with Cloud Engineer: Set Model API Key… or MODEL_API_KEY / MODEL_API_KEY_SECRET';

export function createAnthropicModel(options: ModelOptions): Model {
  const modelId = options.modelId;
  // Always explicit, so ANTHROPIC_BASE_URL in the environment never redirects the key.
  const baseURL = options.baseUrl ?? DEFAULT_BASE_URL;
  let current: { key: string; client: Anthropic } | undefined;
  const clientFor = (key: string): Anthropic => {
    if (current?.key !== key)
      current = {
        key,
        // An explicit apiKey: the SDK reads no credential from the environment or disk. It sends
        // the key itself (this SDK version as `Authorization: Bearer`). The loop retries, so the
        // SDK does not; its logger stays off so nothing it logs can carry a header.
        client: new Anthropic({ apiKey: key, baseURL, maxRetries: 0, logLevel: 'off' }),
      };
    return current.client;
  };
  const context = { modelId, baseURL };
  return {
    provider: 'anthropic',
    modelId,
    async *stream(request, signal) {
      const body = toAnthropic(modelId, request);
      const { value: stream, key } = await withKey(options.apiKey, signal, context, (k) =>
        clientFor(k).messages.create(body, { signal }),
      );
      const reader = new AnthropicReader();
      try {
        for await (const event of stream) {
          if (signal.aborted) break;
          yield* reader.accept(event);
        }
      } catch (error) {
        throw anthropicError(error, { ...context, key, signal, streaming: true });
      }
      if (signal.aborted) throw cancelled();
    },
    async listModels(signal) {
      const { value } = await withKey(options.apiKey, signal, context, async (k) => {
        const models: ModelInfo[] = [];
        for await (const m of clientFor(k).models.list({ limit: 1000 }, { signal }))
          models.push({ id: m.id, ...(m.display_name ? { name: m.display_name } : {}) });
        return models;
      });
      return value;
    },
  };
}

/** One call with the key; after an auth refusal, once more with a rotated key if there is one. */
async function withKey<T>(
  source: ApiKeySource,
  signal: AbortSignal,
  context: { modelId: string; baseURL: string },
  call: (key: string) => Promise<T>,
): Promise<{ value: T; key: string }> {
  const key = await readKey(() => source.get());
  try {
    return { value: await call(key), key };
  } catch (error) {
    const failure = anthropicError(error, { ...context, key, signal, streaming: false });
    if (failure.kind !== 'auth' || signal.aborted) throw failure;
    const fresh = await readKey(() => source.refresh());
    if (fresh === key) throw failure;
    try {
      return { value: await call(fresh), key: fresh };
    } catch (again) {
      throw anthropicError(again, { ...context, key: fresh, signal, streaming: false });
    }
  }
}

async function readKey(read: () => Promise<string | undefined>): Promise<string> {
  let key: string | undefined;
  try {
    key = await read();
  } catch (error) {
    // The key source's own message names the secret, never its value.
    throw new ModelError(
      'auth',
      'anthropic',
      scrubbed((error as Error)?.message) || 'No Anthropic API key.',
      {
        cause: error,
        retryNow: false,
      },
    );
  }
  if (!key)
    throw new ModelError('auth', 'anthropic', `No Anthropic API key: ${SET_KEY}.`, { retryNow: false });
  return key;
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
          if (tool) tool.json += delta.partial_json;
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

  /** message_start has the input counts, message_delta the cumulative ones (nulls: unchanged). */
  private takeUsage(u: {
    input_tokens?: number | null;
    output_tokens?: number | null;
    cache_read_input_tokens?: number | null;
    cache_creation_input_tokens?: number | null;
  }): void {
    this.usage = {
      input: u.input_tokens ?? this.usage.input,
      output: u.output_tokens ?? this.usage.output,
      cacheRead: u.cache_read_input_tokens ?? this.usage.cacheRead,
      cacheWrite: u.cache_creation_input_tokens ?? this.usage.cacheWrite,
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

function cancelled(): ModelError {
  return new ModelError('unavailable', 'anthropic', 'The Anthropic call was cancelled.', { retryNow: false });
}

/** What the Anthropic SDK threw, as a `ModelError` that names the provider and the fix. */
export function anthropicError(
  error: unknown,
  context: { modelId: string; baseURL: string; key?: string; signal?: AbortSignal; streaming?: boolean },
): ModelError {
  if (error instanceof ModelError) return error;
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

function retryAfter(headers: Headers | undefined): { retryAfterSeconds?: number } {
  const value = headers?.get('retry-after');
  if (!value) return {};
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return { retryAfterSeconds: Math.ceil(seconds) };
  const at = Date.parse(value);
  return Number.isFinite(at) ? { retryAfterSeconds: Math.max(0, Math.ceil((at - Date.now()) / 1000)) } : {};
}
