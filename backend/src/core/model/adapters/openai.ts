/**
 * OpenAI and every OpenAI-compatible server (Ollama, vLLM, LM Studio, LiteLLM) through the `openai`
 * SDK's Chat Completions, streamed. The only module that knows its shapes: the project's messages go
 * out as chat messages (tool results as `tool` messages), the chunks come back as model events, the
 * tool-call argument pieces assembled per index, and the SDK's errors as `ModelError`s.
 */
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
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
import { isLoopbackUrl } from '../loopback';
import type { Message, Model, ModelEvent, ModelRequest, StopReason, Usage } from '../types';
import { tokenCount } from '../usage';

const OPENAI_URL = 'https://api.openai.com/v1';
/** What a loopback server that checks no key is sent: the SDK refuses to send none. Never a real key. */
export const LOCAL_PLACEHOLDER_KEY = 'no-key-needed-for-a-local-server';

interface Context {
  modelId: string;
  baseURL: string;
  official: boolean;
  key?: string | undefined;
  signal?: AbortSignal;
  streaming?: boolean;
}

export function createModel(options: ModelOptions): Model {
  const modelId = options.modelId;
  // Always explicit, so OPENAI_BASE_URL in the environment never redirects the key.
  const baseURL = (options.baseUrl ?? OPENAI_URL).replace(/\/+$/, '');
  const official = isOfficial(baseURL);
  // Explicit fields so OPENAI_ORG_ID / OPENAI_PROJECT_ID never ride along; the loop retries, so
  // the SDK does not; its logger stays off so nothing it logs can carry a header.
  const clientFor = clientPerKey(
    (key) =>
      new OpenAI({
        apiKey: key,
        baseURL,
        organization: null,
        project: null,
        maxRetries: 0,
        logLevel: 'off',
      }),
  );
  const context: Context = { modelId, baseURL, official };
  const keys = requiredKey(options.apiKey, 'openai', {
    none: `No API key for ${label(context)}: ${SET_KEY}.`,
    unreadable: 'No API key.',
    // A server on this machine (Ollama, vLLM) usually checks no key.
    fallback: isLoopbackUrl(baseURL) ? LOCAL_PLACEHOLDER_KEY : undefined,
  });
  const call = withKey(keys, (error, key, signal) => openAIError(error, { ...context, key, signal }));
  return {
    provider: 'openai',
    modelId,
    async *stream(request, signal) {
      const body = toOpenAI(modelId, request, official);
      const { value: stream, key } = await call(signal, (k) =>
        clientFor(k).chat.completions.create(body, { signal }),
      );
      const fail = (error: unknown) => openAIError(error, { ...context, key, signal, streaming: true });
      const budget = new ResponseBudget('openai', request.maxTokens);
      yield* readStream(stream, new ChunkReader(budget), signal, fail, cancelled);
    },
    async listModels(signal) {
      // GET {baseURL}/models: OpenAI's list, and Ollama's /v1/models (the pulled models).
      const { value } = await call(signal, async (k) => {
        const ids: { id: string }[] = [];
        for await (const m of clientFor(k).models.list({ signal })) ids.push({ id: m.id });
        return ids;
      });
      return value;
    },
  };
}

function isOfficial(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

/** The Chat Completions request for one call. */
export function toOpenAI(
  modelId: string,
  request: ModelRequest,
  official: boolean,
): ChatCompletionCreateParamsStreaming {
  // One system message, the note after the fixed part: some servers' chat templates refuse a
  // second system message, and the automatic prefix cache still matches the fixed part.
  const system = request.systemNote ? `${request.system}\n\n${request.systemNote}` : request.system;
  const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: system }];
  for (const message of request.messages) messages.push(...toOpenAIMessages(message));
  const tools: ChatCompletionTool[] = request.tools.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: t.inputSchema },
  }));
  return {
    model: modelId,
    messages,
    ...(tools.length ? { tools } : {}),
    // api.openai.com takes max_completion_tokens (its reasoning models refuse max_tokens); servers of
    // one's own (Ollama, vLLM, LM Studio) and older proxies know max_tokens and may ignore the other.
    ...(official ? { max_completion_tokens: request.maxTokens } : { max_tokens: request.maxTokens }),
    stream: true,
    // Without it the stream carries no usage; with it a last chunk with empty choices does.
    stream_options: { include_usage: true },
  };
}

function toOpenAIMessages(message: Message): ChatCompletionMessageParam[] {
  const text = message.content.flatMap((b) => (b.type === 'text' && b.text ? [b.text] : [])).join('\n\n');
  if (message.role === 'assistant') {
    // Reasoning is not sent back: Chat Completions has no field for it.
    const calls = message.content.flatMap((b) =>
      b.type === 'toolUse'
        ? [
            {
              id: b.toolUseId,
              type: 'function' as const,
              function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) },
            },
          ]
        : [],
    );
    if (!text && !calls.length) return [];
    return [{ role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) }];
  }
  // Tool results first: each must follow the assistant message that asked for it.
  const out: ChatCompletionMessageParam[] = message.content.flatMap((b) =>
    b.type === 'toolResult'
      ? [
          {
            role: 'tool' as const,
            tool_call_id: b.toolUseId,
            content: b.status === 'error' ? `Error: ${b.text}` : b.text,
          },
        ]
      : [],
  );
  if (text) out.push({ role: 'user', content: text });
  return out;
}

/** Chunks as model events: text at once, each tool call whole once the choice finished. */
class ChunkReader {
  private readonly calls = new Map<number, { id: string; name: string; args: string }>();
  private finish: StopReason | undefined;
  private usage: Usage | undefined;

  /** `budget`: arguments are held until the call's finish, so they count against the response as they come. */
  constructor(private readonly budget: ResponseBudget) {}

  *accept(chunk: ChatCompletionChunk): Generator<ModelEvent> {
    if (chunk.usage) this.usage = usageOf(chunk.usage);
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = (choice.delta ?? {}) as ChatCompletionChunk.Choice.Delta & {
      reasoning_content?: string | null;
      reasoning?: string | null;
    };
    // vLLM, DeepSeek and Ollama stream a model's thinking in a field of their own.
    const thinking = delta.reasoning_content ?? delta.reasoning;
    if (typeof thinking === 'string' && thinking) yield { type: 'reasoning', text: thinking };
    if (delta.content) yield { type: 'text', text: delta.content };
    (delta.tool_calls ?? []).forEach((piece, position) => {
      const index = typeof piece.index === 'number' ? piece.index : position;
      const call = this.calls.get(index) ?? { id: '', name: '', args: '' };
      if (piece.id && !call.id) call.id = piece.id;
      if (piece.function?.name && !call.name) call.name = piece.function.name;
      if (piece.function?.arguments) call.args += this.budget.take(String(piece.function.arguments));
      this.calls.set(index, call);
    });
    if (choice.finish_reason) {
      yield* this.flushCalls();
      this.finish = finishReason(choice.finish_reason, this.finish === 'tool_use');
    }
  }

  /** At the stream's end: stop, then usage (its chunk follows the finish). No finish: cut off. */
  *end(): Generator<ModelEvent> {
    if (this.finish === undefined) return;
    yield { type: 'stop', reason: this.finish };
    if (this.usage) yield { type: 'usage', usage: this.usage };
  }

  private *flushCalls(): Generator<ModelEvent> {
    const calls = [...this.calls.entries()].sort(([a], [b]) => a - b);
    this.calls.clear();
    for (const [, call] of calls) {
      // Some servers send no id: one is needed to pair the result.
      yield {
        type: 'toolUse',
        toolUseId: call.id || `call_${randomUUID()}`,
        name: call.name,
        input: call.args,
      };
      this.finish = 'tool_use';
    }
  }
}

function finishReason(reason: string, calledTools: boolean): StopReason {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'content_filter':
      return 'content_filtered';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    default:
      // Some servers (Ollama) finish with "stop" after a tool call.
      return calledTools ? 'tool_use' : 'end_turn';
  }
}

function usageOf(u: NonNullable<ChatCompletionChunk['usage']>): Usage {
  // Any server may answer here: its figures are made counts (negative, strings, 1e300: usage.ts).
  const cached = tokenCount(u.prompt_tokens_details?.cached_tokens);
  // prompt_tokens already counts the cached tokens; OpenAI caches by itself, writes are free.
  return {
    inputTokens: tokenCount(u.prompt_tokens),
    outputTokens: tokenCount(u.completion_tokens),
    ...(cached ? { cacheReadTokens: cached } : {}),
  };
}

function label(context: Pick<Context, 'official' | 'baseURL'>): string {
  return context.official ? 'the OpenAI API' : `the OpenAI-compatible server at ${context.baseURL}`;
}

const cancelled = () => cancelledCall('openai', 'OpenAI-compatible');

const TOO_LONG =
  /context_length_exceeded|maximum context length|context (window|length)|prompt is too long|too many tokens|exceeds the maximum number of tokens/i;

/** What the OpenAI SDK threw, as a `ModelError` that names the server and the fix. */
export function openAIError(error: unknown, context: Context): ModelError {
  if (error instanceof ModelError) return error;
  // Kept as the cause, which is logged: no field of it may hold the key a server echoed. The
  // placeholder sent to a local server is no secret, and scrubbing its parts would garble messages.
  const secrets = context.key === LOCAL_PLACEHOLDER_KEY ? [] : [context.key];
  forgetSecrets(error, secrets);
  if (context.signal?.aborted || error instanceof OpenAI.APIUserAbortError) return cancelled();
  const who = label(context);
  const Who = who.charAt(0).toUpperCase() + who.slice(1);
  const make = (kind: ModelErrorKind, message: string, extra: { retryAfterSeconds?: number } = {}) =>
    new ModelError(kind, 'openai', message, { cause: error, ...extra });
  if (!(error instanceof OpenAI.APIError) || error instanceof OpenAI.APIConnectionError) {
    if (error instanceof OpenAI.APIConnectionError || isConnectionFailure(error)) {
      if (context.streaming)
        return make('unavailable', `The stream from ${who} broke off mid-answer: try again.`);
      return make('unavailable', `Nothing answered at ${context.baseURL}: ${whatToStart(context.baseURL)}`);
    }
    return unexpectedModelError('openai', error);
  }
  const body = (error.error ?? {}) as { message?: unknown; code?: unknown; type?: unknown };
  const code = String(error.code ?? body.code ?? '');
  const type = String(error.type ?? body.type ?? '');
  const said = scrubbed(body.message ?? error.message, secrets);
  const detail = said ? ` (${said})` : '';
  const status = error.status;
  if (status === 401 || code === 'invalid_api_key' || type === 'authentication_error')
    return make('auth', `${Who} refused the key: ${SET_KEY}.`);
  if (status === 429 && code === 'insufficient_quota')
    return make('access', `${Who} says the account is out of quota: check its plan and billing${detail}.`);
  if (status === 403) return make('access', `${Who} does not let this key use ${context.modelId}${detail}.`);
  if (status === 404 || code === 'model_not_found')
    return make(
      'not_found',
      `${Who} has no model ${context.modelId}: set MODEL_ID to one it lists` +
        (context.official ? '.' : ' (and check that MODEL_BASE_URL ends in /v1).'),
    );
  if (status === 429)
    return make(
      'throttled',
      `${Who} is rate-limiting requests; try again shortly${detail}.`,
      retryAfter(error.headers),
    );
  if (code === 'context_length_exceeded' || TOO_LONG.test(said))
    return make(
      'context_too_long',
      `The conversation is too long for ${context.modelId} at ${who}${detail}.`,
    );
  if (status === undefined || status >= 500 || status === 408)
    // No status: an error chunk in the middle of the stream.
    return make('unavailable', `${Who} failed or is overloaded; try again shortly${detail}.`);
  return make('invalid', `${Who} rejected the request${detail}.`);
}

function whatToStart(baseURL: string): string {
  let port = '';
  try {
    port = new URL(baseURL).port;
  } catch {
    // An unparseable URL: the generic advice.
  }
  if (port === '11434') return 'is Ollama running? (`ollama serve`)';
  if (isLoopbackUrl(baseURL)) return 'is the server running? (check MODEL_BASE_URL)';
  return 'check MODEL_BASE_URL and the network.';
}
