/**
 * A wire-level OpenAI-compatible server fake (what OpenAI, Ollama and vLLM serve under `/v1`):
 * `POST /v1/chat/completions` streamed as `data: {chat.completion.chunk}` lines ending with
 * `data: [DONE]`, tool calls as `delta.tool_calls[{index, id?, function:{name?, arguments}}]`
 * pieces, usage in a last chunk with empty `choices`; `GET /v1/models`; HTTP errors as
 * `{error:{message, type, code}}`. Plays scripts the test queues (delays, gates, mid-stream cuts,
 * hangs); records every request and whether the client aborted it.
 *
 * Shapes checked against the types of `openai` 6.49.0 (`ChatCompletionChunk`, `CompletionUsage`,
 * `Model` in resources/) and its `core/streaming` parser (`[DONE]` ends the stream; a `data:`
 * object with an `error` field becomes an `APIError`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ControlStep, type RecordedRequest, ScriptServer, split } from './script-server';

export { delay, gate, split, type RecordedRequest } from './script-server';

export type Step = { kind: 'chunk'; data: unknown } | ControlStep;

export interface Script {
  httpError?: {
    status: number;
    error: { message: string; type?: string; code?: string | null };
    headers?: Record<string, string>;
  };
  steps: Step[];
}

export const done: Step = { kind: 'raw', bytes: 'data: [DONE]\n\n' };

/** One `chat.completion.chunk` with a single choice. */
export function chunk(delta: Record<string, unknown>, finishReason: string | null = null): Step {
  return {
    kind: 'chunk',
    data: {
      id: 'chatcmpl-fake',
      object: 'chat.completion.chunk',
      created: 1_750_000_000,
      model: 'gpt-fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    },
  };
}

export function usageChunk(prompt: number, completion: number, cached?: number): Step {
  return {
    kind: 'chunk',
    data: {
      id: 'chatcmpl-fake',
      object: 'chat.completion.chunk',
      created: 1_750_000_000,
      model: 'gpt-fake',
      choices: [],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        ...(cached !== undefined
          ? { prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 } }
          : {}),
      },
    },
  };
}

/** A complete text answer, streamed as the given deltas (a gate step may sit among them). */
export function textTurn(
  pieces: (string | Step)[],
  usage: { prompt?: number; completion?: number; cached?: number } | null = {},
  finish = 'stop',
): Script {
  const steps: Step[] = [chunk({ role: 'assistant', content: '' })];
  for (const piece of pieces) steps.push(typeof piece === 'string' ? chunk({ content: piece }) : piece);
  steps.push(chunk({}, finish));
  if (usage) steps.push(usageChunk(usage.prompt ?? 10, usage.completion ?? pieces.length, usage.cached));
  steps.push(done);
  return { steps };
}

/**
 * Tool calls as OpenAI streams them: the first piece of each has its id and name, the rest only
 * argument text. `argumentPieces` splits each call's arguments (default: 3 characters a piece);
 * `interleave` alternates the calls' pieces, as parallel calls may arrive.
 */
export function toolTurn(
  calls: { id: string | null; name: string; arguments: string; pieces?: string[] }[],
  options: { interleave?: boolean; finish?: string; usage?: boolean } = {},
): Script {
  const perCall = calls.map((call, index) => {
    const pieces = call.pieces ?? split(call.arguments, 3);
    return pieces.map((args, i) =>
      chunk({
        ...(index === 0 && i === 0 ? { role: 'assistant', content: null } : {}),
        tool_calls: [
          i === 0
            ? {
                index,
                ...(call.id ? { id: call.id } : {}),
                type: 'function',
                function: { name: call.name, arguments: args },
              }
            : { index, function: { arguments: args } },
        ],
      }),
    );
  });
  const steps: Step[] = [];
  if (options.interleave) {
    for (let i = 0; perCall.some((p) => i < p.length); i++)
      for (const p of perCall) if (p[i]) steps.push(p[i]!);
  } else for (const p of perCall) steps.push(...p);
  steps.push(chunk({}, options.finish ?? 'tool_calls'));
  if (options.usage !== false) steps.push(usageChunk(20, 8));
  steps.push(done);
  return { steps };
}

export function httpError(
  status: number,
  message: string,
  type = 'invalid_request_error',
  code: string | null = null,
  headers?: Record<string, string>,
): Script {
  return {
    httpError: { status, error: { message, type, code }, ...(headers ? { headers } : {}) },
    steps: [],
  };
}

export class OpenAIFake extends ScriptServer<Step, Script> {
  models: string[] = ['gpt-4.1', 'gpt-4.1-mini'];
  fallback: Script = textTurn(['(no scripted turn)']);
  protected frame(step: Step): string {
    return `data: ${JSON.stringify((step as { data: unknown }).data)}\n\n`;
  }

  protected async route(req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      return this.json(
        res,
        recorded,
        200,
        {
          object: 'list',
          data: this.models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' })),
        },
        ID,
      );
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      return this.json(
        res,
        recorded,
        404,
        {
          error: { message: 'Not found', type: 'invalid_request_error', code: null },
        },
        ID,
      );
    }
    const script = this.nextScript();
    if (script.httpError) {
      return this.json(
        res,
        recorded,
        script.httpError.status,
        { error: { param: null, ...script.httpError.error } },
        { ...ID, ...script.httpError.headers },
      );
    }
    await this.play(res, recorded, script.steps, ID);
  }
}

const ID = { 'x-request-id': 'req_fake' };
