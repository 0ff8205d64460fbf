/**
 * Amazon Bedrock through `ConverseStream`. The only module that knows Converse's shapes: the
 * project's messages go out as Converse messages (with cache points where the model supports
 * them), Converse's stream comes back as model events, and its exceptions as `ModelError`s.
 */
import type {
  ContentBlock as ConverseBlock,
  ConverseStreamCommandInput,
  ConverseStreamOutput,
  Message as ConverseMessage,
  SystemContentBlock,
  Tool as ConverseTool,
} from '@aws-sdk/client-bedrock-runtime';
import {
  isConnectionFailure,
  ModelError,
  scrubbed,
  unexpectedModelError,
  type ModelErrorKind,
} from '../errors';
import type { ContentBlock, Message, Model, ModelEvent, ModelRequest, StopReason, ToolSpec } from '../types';
import type { ModelOptions } from '../options';
import { bedrockRuntime } from '../bedrock-http';
import { ResponseBudget } from '../response-budget';
import { tokenCount } from '../usage';

/**
 * Where each Bedrock model family takes a cache point; a model not listed gets none (Bedrock
 * refuses cache points a model does not support). Claude caches system, tools and messages; Nova
 * system and messages.
 */
const CACHING: { match: RegExp; system: boolean; tools: boolean; messages: boolean }[] = [
  {
    match: /anthropic\.claude-(3-7-sonnet|3-5-haiku|sonnet-4|opus-4|haiku-4)/,
    system: true,
    tools: true,
    messages: true,
  },
  { match: /amazon\.nova-(micro|lite|pro|premier)/, system: true, tools: false, messages: true },
];

export function bedrockCaching(modelId: string) {
  return CACHING.find((c) => c.match.test(modelId));
}

const CACHE_POINT = { cachePoint: { type: 'default' } } as const;

export function createModel(options: ModelOptions): Model {
  // The agent loop retries throttling itself, only before any output has streamed.
  const load = bedrockRuntime(options, { maxAttempts: 1 });
  const modelId = options.modelId;
  return {
    provider: 'bedrock',
    modelId,
    async *stream(request, signal) {
      // The call's own signal: a stream left before its end (cancelled, failed, or its reader
      // gone) is aborted, which destroys its connection rather than leave it half-read.
      const call = new AbortController();
      const cancel = () => call.abort(signal.reason);
      if (signal.aborted) cancel();
      else signal.addEventListener('abort', cancel, { once: true });
      let ended = false;
      try {
        let stream: AsyncIterable<ConverseStreamOutput>;
        try {
          const { sdk, client } = await load();
          const response = await client.send(
            new sdk.ConverseStreamCommand(toConverse(modelId, request, options)),
            { abortSignal: call.signal },
          );
          if (!response.stream) throw new Error('Bedrock answered ConverseStream without a stream');
          stream = response.stream;
        } catch (error) {
          throw bedrockError(error);
        }
        const reader = new ConverseReader(new ResponseBudget('bedrock', request.maxTokens));
        try {
          for await (const event of stream) yield* reader.accept(event);
        } catch (error) {
          throw bedrockError(error);
        }
        ended = true;
      } finally {
        signal.removeEventListener('abort', cancel);
        if (!ended) call.abort();
      }
    },
  };
}

/** The Converse request for one call. */
export function toConverse(
  modelId: string,
  request: ModelRequest,
  options: Pick<ModelOptions, 'guardrail'> = {},
): ConverseStreamCommandInput {
  const caching = request.cache ? bedrockCaching(modelId) : undefined;
  const system: SystemContentBlock[] = [{ text: request.system }];
  if (caching?.system) system.push(CACHE_POINT);
  if (request.systemNote) system.push({ text: request.systemNote });
  const messages = request.messages.map(toConverseMessage);
  const last = messages.at(-1);
  if (caching?.messages && last?.content?.length) last.content = [...last.content, CACHE_POINT];
  const tools: ConverseTool[] = request.tools.map(toConverseTool);
  if (caching?.tools && tools.length) tools.push(CACHE_POINT);
  return {
    modelId,
    system,
    messages,
    ...(tools.length ? { toolConfig: { tools } } : {}),
    inferenceConfig: { maxTokens: request.maxTokens },
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
}

function toConverseTool(tool: ToolSpec): ConverseTool {
  return {
    toolSpec: {
      name: tool.name,
      description: tool.description,
      inputSchema: { json: tool.inputSchema as never },
    },
  };
}

function toConverseMessage(message: Message): ConverseMessage {
  return { role: message.role, content: message.content.flatMap(toConverseBlock) };
}

function toConverseBlock(block: ContentBlock): ConverseBlock[] {
  switch (block.type) {
    case 'text':
      return block.text ? [{ text: block.text }] : [];
    case 'toolUse':
      return [{ toolUse: { toolUseId: block.toolUseId, name: block.name, input: block.input as never } }];
    case 'toolResult':
      return [
        { toolResult: { toolUseId: block.toolUseId, status: block.status, content: [{ text: block.text }] } },
      ];
    case 'reasoning':
      return [
        {
          reasoningContent: {
            reasoningText: { text: block.text, ...(block.signature ? { signature: block.signature } : {}) },
          },
        },
      ];
  }
}

/** Converse's stream as model events: a tool call is emitted whole at its block's end. */
class ConverseReader {
  private readonly tools = new Map<number, { toolUseId: string; name: string; json: string }>();

  /** `budget`: tool input is held until its block ends, so it counts against the response as it comes. */
  constructor(private readonly budget: ResponseBudget) {}

  *accept(event: ConverseStreamOutput): Generator<ModelEvent> {
    if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId = '', name = '' } = event.contentBlockStart.start.toolUse;
      this.tools.set(event.contentBlockStart.contentBlockIndex ?? 0, { toolUseId, name, json: '' });
    } else if (event.contentBlockDelta) {
      const index = event.contentBlockDelta.contentBlockIndex ?? 0;
      const delta = event.contentBlockDelta.delta;
      if (delta?.text !== undefined) {
        if (delta.text) yield { type: 'text', text: delta.text };
      } else if (delta?.toolUse?.input !== undefined) {
        const tool = this.tools.get(index);
        if (tool) tool.json += this.budget.take(delta.toolUse.input);
      } else if (delta?.reasoningContent) {
        const r = delta.reasoningContent;
        if (r.text || r.signature)
          yield { type: 'reasoning', text: r.text ?? '', ...(r.signature ? { signature: r.signature } : {}) };
      }
    } else if (event.contentBlockStop) {
      const index = event.contentBlockStop.contentBlockIndex ?? 0;
      const tool = this.tools.get(index);
      if (tool) {
        this.tools.delete(index);
        yield { type: 'toolUse', toolUseId: tool.toolUseId, name: tool.name, input: tool.json };
      }
    } else if (event.messageStop) {
      // A tool block the stream never closed is still the model's call.
      for (const tool of this.tools.values())
        yield { type: 'toolUse', toolUseId: tool.toolUseId, name: tool.name, input: tool.json };
      this.tools.clear();
      yield { type: 'stop', reason: stopReason(event.messageStop.stopReason) };
    } else if (event.metadata) {
      const u = event.metadata.usage;
      if (u) {
        // Each figure made a count before it is summed: a negative one would lower the turn's total.
        const cacheRead = tokenCount(u.cacheReadInputTokens);
        const cacheWrite = tokenCount(u.cacheWriteInputTokens);
        yield {
          type: 'usage',
          usage: {
            // Converse counts cached input apart; the contract's inputTokens is every input token.
            inputTokens: tokenCount(u.inputTokens) + cacheRead + cacheWrite,
            outputTokens: tokenCount(u.outputTokens),
            ...(cacheRead ? { cacheReadTokens: cacheRead } : {}),
            ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}),
          },
        };
      }
      if (event.metadata.trace?.guardrail)
        yield { type: 'guardrailTrace', trace: event.metadata.trace.guardrail };
    } else {
      const exception = Object.entries(event).find(([key, value]) => key.endsWith('Exception') && value);
      if (exception)
        throw Object.assign(new Error(String((exception[1] as Error).message ?? '')), {
          name: exception[0].charAt(0).toUpperCase() + exception[0].slice(1),
        });
    }
  }
}

function stopReason(reason: string | undefined): StopReason {
  switch (reason) {
    case 'tool_use':
    case 'max_tokens':
    case 'guardrail_intervened':
    case 'content_filtered':
      return reason;
    case 'model_context_window_exceeded':
      return 'max_tokens';
    default:
      return 'end_turn';
  }
}

const THROTTLING = new Set([
  'ThrottlingException',
  'ServiceQuotaExceededException',
  'TooManyRequestsException',
]);
const UNAVAILABLE = new Set([
  'ServiceUnavailableException',
  'InternalServerException',
  'ModelNotReadyException',
  'ModelTimeoutException',
  'ModelStreamErrorException',
  'ModelErrorException',
]);
const TOO_LONG =
  /too long|too many (input )?tokens|context (window|length)|maximum context|exceeds? the max/i;

/** What the Bedrock SDK threw, as a `ModelError` that says what to fix. */
export function bedrockError(error: unknown): ModelError {
  if (error instanceof ModelError) return error;
  const name = (error as { name?: string } | undefined)?.name ?? '';
  const message = scrubbed((error as { message?: unknown } | undefined)?.message);
  const make = (kind: ModelErrorKind, text: string, retryNow?: boolean) =>
    new ModelError(kind, 'bedrock', text, { cause: error, ...(retryNow !== undefined ? { retryNow } : {}) });
  if (THROTTLING.has(name)) return make('throttled', 'Bedrock is throttling requests; try again shortly.');
  if (UNAVAILABLE.has(name))
    // A stream error mid-answer is not worth an immediate retry: the answer so far was shown.
    return make('unavailable', `The model is unavailable (${name}).`, name !== 'ModelStreamErrorException');
  if (name === 'AccessDeniedException')
    return make(
      'access',
      `Bedrock refused the model call: check model access and IAM permissions. ${message}`.trim(),
    );
  if (name === 'ResourceNotFoundException')
    return make(
      'not_found',
      `Bedrock does not know this model: check the model id and region. ${message}`.trim(),
    );
  if (name === 'ValidationException' && TOO_LONG.test(message))
    return make('context_too_long', `The conversation is too long for the model. ${message}`.trim());
  if (name === 'ValidationException')
    return make('invalid', `Bedrock rejected the request: ${message}`.trim());
  if (
    name === 'CredentialsProviderError' ||
    name === 'ExpiredTokenException' ||
    name === 'UnrecognizedClientException' ||
    name === 'InvalidSignatureException'
  )
    return make(
      'auth',
      'No usable AWS credentials for Bedrock: sign in to AWS (profile, SSO or environment) and retry.',
    );
  if (isConnectionFailure(error)) return make('unavailable', 'Could not reach the Bedrock endpoint.');
  return unexpectedModelError('bedrock', error);
}
