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
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Step =
  | { kind: 'chunk'; data: unknown }
  /** Raw bytes, for a line split mid-way (even inside a character). */
  | { kind: 'raw'; bytes: string | Buffer }
  | { kind: 'delay'; ms: number }
  /** Waits until the test opens the gate: proves a delta reached the caller before the next was sent. */
  | { kind: 'gate'; open: Promise<void> }
  | { kind: 'cut' }
  | { kind: 'hang' };

export interface Script {
  httpError?: {
    status: number;
    error: { message: string; type?: string; code?: string | null };
    headers?: Record<string, string>;
  };
  steps: Step[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  body: any;
  aborted: boolean;
  finished: boolean;
}

export const delay = (ms: number): Step => ({ kind: 'delay', ms });
export const done: Step = { kind: 'raw', bytes: 'data: [DONE]\n\n' };

export function gate(): { step: Step; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { step: { kind: 'gate', open: opened }, open };
}

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

export function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length ? pieces : [''];
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

export class OpenAIFake {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Script[] = [];
  models: string[] = ['gpt-4.1', 'gpt-4.1-mini'];
  fallback: Script = textTurn(['(no scripted turn)']);
  private readonly server = createServer((req, res) => void this.handle(req, res));

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** The origin; the SDK's base URL is `${url}/v1`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  enqueue(...scripts: Script[]): void {
    this.queue.push(...scripts);
  }

  reset(): void {
    this.queue.length = 0;
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: { ...req.headers },
      rawBody,
      body: rawBody ? JSON.parse(rawBody) : undefined,
      aborted: false,
      finished: false,
    };
    this.requests.push(recorded);
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      recorded.finished = true;
      return this.json(res, 200, {
        object: 'list',
        data: this.models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' })),
      });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      recorded.finished = true;
      return this.json(res, 404, {
        error: { message: 'Not found', type: 'invalid_request_error', code: null },
      });
    }
    const script = this.queue.shift() ?? this.fallback;
    if (script.httpError) {
      recorded.finished = true;
      return this.json(
        res,
        script.httpError.status,
        { error: { param: null, ...script.httpError.error } },
        script.httpError.headers,
      );
    }
    res.on('close', () => {
      if (!recorded.finished) recorded.aborted = true;
    });
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-request-id': 'req_fake',
    });
    for (const step of script.steps) {
      if (res.destroyed || recorded.aborted) return;
      switch (step.kind) {
        case 'delay':
          await new Promise((r) => setTimeout(r, step.ms));
          break;
        case 'gate':
          await step.open;
          break;
        case 'chunk':
          res.write(`data: ${JSON.stringify(step.data)}\n\n`);
          break;
        case 'raw':
          res.write(step.bytes);
          break;
        case 'cut':
          recorded.finished = true;
          res.socket?.destroy();
          return;
        case 'hang':
          return;
      }
    }
    recorded.finished = true;
    res.end();
  }

  private json(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_fake', ...headers });
    res.end(JSON.stringify(body));
  }
}
