/**
 * Google Gemini through `@google/genai` (the Gemini Developer API, `streamGenerateContent`). The only
 * module that knows its shapes: the project's messages go out as contents (tool calls as
 * `functionCall` parts, results as `functionResponse` parts), the streamed responses come back as
 * model events, and the SDK's errors as `ModelError`s. Gemini caches prefixes by itself.
 */
import { randomUUID } from 'node:crypto';
import {
  GoogleGenAI,
  type Content,
  type FunctionDeclaration,
  type GenerateContentParameters,
  type GenerateContentResponse,
  type Part,
} from '@google/genai';
import { cancelledCall, clientPerKey, readStream, requiredKey, SET_KEY, withKey } from '../adapter-kit';
import {
  forgetSecrets,
  isConnectionFailure,
  ModelError,
  scrubbed,
  unexpectedModelError,
  type ModelErrorKind,
} from '../errors';
import type { ModelOptions } from '../options';
import type { Message, Model, ModelEvent, ModelRequest, StopReason, Usage } from '../types';
import { tokenCount } from '../usage';

const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';
/** Ids this adapter made up for calls Gemini sent without one; never sent back to Gemini. */
const OWN_ID = 'gemini-call-';

interface Context {
  modelId: string;
  baseUrl: string;
  key?: string | undefined;
  signal?: AbortSignal;
  streaming?: boolean;
}

export function createModel(options: ModelOptions): Model {
  const modelId = options.modelId;
  // Always explicit, so GOOGLE_GEMINI_BASE_URL in the environment never redirects the key.
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  // The SDK sends the key in x-goog-api-key. No retryOptions: it makes one attempt, the loop
  // retries. vertexai false: GOOGLE_GENAI_USE_VERTEXAI in the environment changes nothing.
  const clientFor = clientPerKey(
    (key) => new GoogleGenAI({ apiKey: key, vertexai: false, httpOptions: { baseUrl } }),
  );
  const keys = requiredKey(options.apiKey, 'gemini', {
    none: `No Gemini API key: ${SET_KEY}.`,
    unreadable: 'No Gemini API key.',
  });
  const context: Context = { modelId, baseUrl };
  const call = withKey(keys, (error, key, signal) => geminiError(error, { ...context, key, signal }));
  return {
    provider: 'gemini',
    modelId,
    async *stream(request, signal) {
      const params = toGemini(modelId, request, signal);
      const { value: stream, key } = await call(signal, (k) =>
        clientFor(k).models.generateContentStream(params),
      );
      const fail = (error: unknown) => geminiError(error, { ...context, key, signal, streaming: true });
      yield* readStream(stream, new ResponseReader(), signal, fail, cancelled);
    },
    async listModels(signal) {
      const { value } = await call(signal, async (k) => {
        const models: { id: string; name?: string }[] = [];
        const pager = await clientFor(k).models.list({ config: { pageSize: 1000, abortSignal: signal } });
        for await (const m of pager) {
          // Only models that answer generateContent can be the agent's model.
          if (m.supportedActions && !m.supportedActions.includes('generateContent')) continue;
          const id = (m.name ?? '').replace(/^models\//, '');
          if (id) models.push({ id, ...(m.displayName ? { name: m.displayName } : {}) });
        }
        return models;
      });
      return value;
    },
  };
}

/** The generateContent request for one call. */
export function toGemini(
  modelId: string,
  request: ModelRequest,
  signal?: AbortSignal,
): GenerateContentParameters {
  const systemParts: Part[] = [{ text: request.system }];
  // After the fixed part, so the implicit prefix cache still matches it.
  if (request.systemNote) systemParts.push({ text: request.systemNote });
  const declarations: FunctionDeclaration[] = request.tools.map((t) => ({
    name: t.name,
    description: t.description,
    parametersJsonSchema: t.inputSchema,
  }));
  const names = new Map<string, string>();
  return {
    model: modelId,
    contents: request.messages.map((m) => toContent(m, names)).filter((c) => c.parts?.length),
    config: {
      systemInstruction: { parts: systemParts },
      ...(declarations.length ? { tools: [{ functionDeclarations: declarations }] } : {}),
      maxOutputTokens: request.maxTokens,
      ...(signal ? { abortSignal: signal } : {}),
    },
  };
}

function toContent(message: Message, names: Map<string, string>): Content {
  const parts: Part[] = [];
  // A call's thought signature travels as a reasoning block just before it; Gemini wants it back
  // on that functionCall part. Thought text itself is not sent back.
  let signature: string | undefined;
  for (const block of message.content) {
    switch (block.type) {
      case 'text':
        if (block.text) parts.push({ text: block.text });
        break;
      case 'reasoning':
        if (message.role === 'assistant' && block.signature) signature = block.signature;
        break;
      case 'toolUse': {
        names.set(block.toolUseId, block.name);
        const args =
          block.input && typeof block.input === 'object' && !Array.isArray(block.input) ? block.input : {};
        parts.push({
          functionCall: { ...idOf(block.toolUseId), name: block.name, args: args as Record<string, unknown> },
          ...(signature ? { thoughtSignature: signature } : {}),
        });
        signature = undefined;
        break;
      }
      case 'toolResult':
        parts.push({
          functionResponse: {
            ...idOf(block.toolUseId),
            name: names.get(block.toolUseId) ?? 'tool',
            response: block.status === 'error' ? { error: block.text } : { output: block.text },
          },
        });
        break;
    }
  }
  return { role: message.role === 'assistant' ? 'model' : 'user', parts };
}

function idOf(toolUseId: string): { id?: string } {
  return toolUseId.startsWith(OWN_ID) ? {} : { id: toolUseId };
}

/** Streamed responses as model events: parts as they come; stop and usage at the end. */
class ResponseReader {
  private finish: StopReason | undefined;
  private calledTools = false;
  private usage: Usage | undefined;

  *accept(response: GenerateContentResponse): Generator<ModelEvent> {
    if (response.usageMetadata) this.usage = usageOf(response.usageMetadata);
    if (response.promptFeedback?.blockReason) this.finish = 'content_filtered';
    const candidate = response.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall) {
        const call = part.functionCall;
        // The signature goes with the call, as a reasoning block the next request hands back.
        if (part.thoughtSignature) yield { type: 'reasoning', text: '', signature: part.thoughtSignature };
        this.calledTools = true;
        yield {
          type: 'toolUse',
          toolUseId: call.id || `${OWN_ID}${randomUUID()}`,
          name: call.name ?? '',
          input: JSON.stringify(call.args ?? {}),
        };
      } else if (part.text) {
        yield part.thought ? { type: 'reasoning', text: part.text } : { type: 'text', text: part.text };
      }
    }
    if (candidate?.finishReason) this.finish = finishReason(candidate.finishReason, this.calledTools);
  }

  *end(): Generator<ModelEvent> {
    if (this.finish === undefined) return;
    yield { type: 'stop', reason: this.finish === 'end_turn' && this.calledTools ? 'tool_use' : this.finish };
    if (this.usage) yield { type: 'usage', usage: this.usage };
  }
}

function finishReason(reason: string, calledTools: boolean): StopReason {
  switch (reason) {
    case 'MAX_TOKENS':
      return 'max_tokens';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
      return 'content_filtered';
    default:
      // Gemini finishes a tool-calling answer with STOP.
      return calledTools ? 'tool_use' : 'end_turn';
  }
}

function usageOf(u: NonNullable<GenerateContentResponse['usageMetadata']>): Usage {
  // Each figure made a count before it is summed (usage.ts): a string would concatenate.
  const cached = tokenCount(u.cachedContentTokenCount);
  return {
    // promptTokenCount already counts the cached tokens.
    inputTokens: tokenCount(u.promptTokenCount),
    // Thinking tokens are billed as output.
    outputTokens: tokenCount(u.candidatesTokenCount) + tokenCount(u.thoughtsTokenCount),
    ...(cached ? { cacheReadTokens: cached } : {}),
  };
}

const cancelled = () => cancelledCall('gemini', 'Gemini');

const TOO_LONG =
  /exceeds the maximum number of tokens|too long|context (window|length)|token count .* exceeds/i;

interface GoogleError {
  code?: number;
  message?: string;
  status?: string;
  details?: { '@type'?: string; reason?: string; retryDelay?: string }[];
}

/** What the Gemini SDK threw, as a `ModelError` that names Gemini and the fix. */
export function geminiError(error: unknown, context: Context): ModelError {
  if (error instanceof ModelError) return error;
  // Kept as the cause, which is logged: no field of it may hold the key a server echoed.
  forgetSecrets(error, [context.key]);
  const name = (error as { name?: string } | undefined)?.name;
  if (context.signal?.aborted || name === 'AbortError') return cancelled();
  const make = (kind: ModelErrorKind, message: string, extra: { retryAfterSeconds?: number } = {}) =>
    new ModelError(kind, 'gemini', message, { cause: error, ...extra });
  const status = (error as { status?: unknown } | undefined)?.status;
  if (name !== 'ApiError' || typeof status !== 'number') {
    if (isConnectionFailure(error) || (error as Error)?.message === 'fetch failed')
      return context.streaming
        ? make('unavailable', 'The Gemini stream broke off mid-answer: try again.')
        : make(
            'unavailable',
            `Nothing answered at ${context.baseUrl}: check MODEL_BASE_URL and the network.`,
          );
    // The SDK's own complaint about a stream that ended inside a response.
    if (
      context.streaming &&
      /incomplete json|response body is empty/i.test(String((error as Error)?.message))
    )
      return make('unavailable', 'The Gemini stream broke off mid-answer: try again.');
    return unexpectedModelError('gemini', error);
  }
  // The SDK's message is the response body as JSON (or "got status: … {json}" mid-stream).
  const body = parseBody(String((error as Error).message ?? ''));
  const said = scrubbed(body?.message, [context.key]);
  const detail = said ? ` (${said})` : '';
  const reasons = new Set((body?.details ?? []).map((d) => d.reason).filter(Boolean));
  // Gemini answers a bad key with 400 API_KEY_INVALID, a suspended or leaked one with 403.
  if (status === 401 || reasons.has('API_KEY_INVALID') || (status === 403 && /api key/i.test(said)))
    return make('auth', `The Gemini API refused the key: ${SET_KEY}.`);
  if (status === 403)
    return make('access', `The Gemini API does not let this key use ${context.modelId}${detail}.`);
  if (status === 404)
    return make(
      'not_found',
      `The Gemini API has no model ${context.modelId}: set MODEL_ID to one the key can use (the model list shows them).`,
    );
  if (status === 429)
    return make(
      'throttled',
      `The Gemini API is rate-limiting requests; try again shortly${detail}.`,
      retryDelay(body),
    );
  if (TOO_LONG.test(said))
    return make(
      'context_too_long',
      `The conversation is too long for ${context.modelId} at the Gemini API${detail}.`,
    );
  if (status >= 500 || status === 408)
    return make('unavailable', `The Gemini API is unavailable or overloaded; try again shortly${detail}.`);
  return make('invalid', `The Gemini API rejected the request${detail}.`);
}

function parseBody(message: string): GoogleError | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const json = JSON.parse(message.slice(start)) as { error?: GoogleError };
    return json.error;
  } catch {
    return undefined;
  }
}

/** RetryInfo's `retryDelay` ("31s", "1.5s") from a RESOURCE_EXHAUSTED answer. */
function retryDelay(body: GoogleError | undefined): { retryAfterSeconds?: number } {
  const delay = body?.details?.find((d) => d['@type']?.endsWith('RetryInfo'))?.retryDelay;
  const seconds = delay ? Number.parseFloat(delay) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? { retryAfterSeconds: Math.ceil(seconds) } : {};
}
