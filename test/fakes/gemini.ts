/**
 * A wire-level Gemini Developer API fake: `POST /v1beta/models/{model}:streamGenerateContent?alt=sse`
 * answered with `data: {GenerateContentResponse}` lines, `GET /v1beta/models` with a model page, and
 * HTTP errors as `{error:{code, message, status, details?}}`. Plays scripts the test queues (delays,
 * gates, mid-stream cuts, hangs); records every request and whether the client aborted it.
 *
 * Shapes checked against the types of `@google/genai` 2.32.0 (`GenerateContentResponse`,
 * `Candidate`, `Part`, `FunctionCall`, `GenerateContentResponseUsageMetadata`, `ListModelsResponse`; the wire names `supportedGenerationMethods`, which the SDK reads as `supportedActions`
 * in dist/node/node.d.ts) and its stream parser (`processStreamResponse`: events split on blank
 * lines, a `data:` object with an `error` whose code is 4xx/5xx becomes an `ApiError`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Step =
  | { kind: 'response'; data: unknown }
  /** Raw bytes, for a line split mid-way (even inside a character). */
  | { kind: 'raw'; bytes: string | Buffer }
  | { kind: 'delay'; ms: number }
  /** Waits until the test opens the gate: proves a delta reached the caller before the next was sent. */
  | { kind: 'gate'; open: Promise<void> }
  | { kind: 'cut' }
  | { kind: 'hang' };

export interface GoogleErrorBody {
  code: number;
  message: string;
  status: string;
  details?: unknown[];
}

export interface Script {
  httpError?: GoogleErrorBody;
  steps: Step[];
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  body: any;
  aborted: boolean;
  finished: boolean;
}

export const delay = (ms: number): Step => ({ kind: 'delay', ms });

export function gate(): { step: Step; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { step: { kind: 'gate', open: opened }, open };
}

export interface Usage {
  prompt?: number;
  candidates?: number;
  cached?: number;
  thoughts?: number;
}

/** One streamed GenerateContentResponse with the given parts. */
export function response(parts: unknown[], options: { finishReason?: string; usage?: Usage } = {}): Step {
  const u = options.usage;
  return {
    kind: 'response',
    data: {
      candidates: [
        {
          content: { role: 'model', parts },
          index: 0,
          ...(options.finishReason ? { finishReason: options.finishReason } : {}),
        },
      ],
      ...(u
        ? {
            usageMetadata: {
              promptTokenCount: u.prompt ?? 10,
              candidatesTokenCount: u.candidates ?? 3,
              totalTokenCount: (u.prompt ?? 10) + (u.candidates ?? 3) + (u.thoughts ?? 0),
              ...(u.cached !== undefined ? { cachedContentTokenCount: u.cached } : {}),
              ...(u.thoughts !== undefined ? { thoughtsTokenCount: u.thoughts } : {}),
            },
          }
        : {}),
      modelVersion: 'gemini-fake',
      responseId: 'resp-fake',
    },
  };
}

/** A complete text answer, one response per piece; the last carries STOP and the usage. */
export function textTurn(pieces: (string | Step)[], usage: Usage = {}, finishReason = 'STOP'): Script {
  const steps: Step[] = pieces.map((p) => (typeof p === 'string' ? response([{ text: p }]) : p));
  steps.push(response([], { finishReason, usage }));
  return { steps };
}

/** Function calls, whole (Gemini does not stream a call's arguments in pieces). */
export function toolTurn(
  calls: { id?: string; name: string; args: Record<string, unknown>; thoughtSignature?: string }[],
  preamble?: string,
): Script {
  const steps: Step[] = [];
  if (preamble) steps.push(response([{ text: preamble }]));
  steps.push(
    response(
      calls.map((c) => ({
        functionCall: { ...(c.id ? { id: c.id } : {}), name: c.name, args: c.args },
        ...(c.thoughtSignature ? { thoughtSignature: c.thoughtSignature } : {}),
      })),
      { finishReason: 'STOP', usage: { prompt: 20, candidates: 8 } },
    ),
  );
  return { steps };
}

export function httpError(code: number, status: string, message: string, details?: unknown[]): Script {
  return { httpError: { code, status, message, ...(details ? { details } : {}) }, steps: [] };
}

export class GeminiFake {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Script[] = [];
  models: { name: string; displayName: string; supportedGenerationMethods: string[] }[] = [
    {
      name: 'models/gemini-2.5-flash',
      displayName: 'Gemini 2.5 Flash',
      supportedGenerationMethods: ['generateContent', 'countTokens'],
    },
    {
      name: 'models/text-embedding-004',
      displayName: 'Text Embedding 004',
      supportedGenerationMethods: ['embedContent'],
    },
    {
      name: 'models/gemini-2.5-pro',
      displayName: 'Gemini 2.5 Pro',
      supportedGenerationMethods: ['generateContent'],
    },
  ];
  /** Page size the fake answers with, to prove the client follows nextPageToken. */
  pageSize = 2;
  fallback: Script = textTurn(['(no scripted turn)']);
  private readonly server = createServer((req, res) => void this.handle(req, res));

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

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
    const url = new URL(req.url ?? '', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/v1beta/models') {
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      const page = this.models.slice(start, start + this.pageSize);
      const next = start + this.pageSize < this.models.length ? String(start + this.pageSize) : undefined;
      recorded.finished = true;
      return this.json(res, 200, { models: page, ...(next ? { nextPageToken: next } : {}) });
    }
    const stream = /^\/v1beta\/models\/([^/:]+):streamGenerateContent$/.exec(url.pathname);
    if (req.method !== 'POST' || !stream || url.searchParams.get('alt') !== 'sse') {
      recorded.finished = true;
      return this.json(res, 404, { error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } });
    }
    const script = this.queue.shift() ?? this.fallback;
    if (script.httpError) {
      recorded.finished = true;
      return this.json(res, script.httpError.code, { error: script.httpError });
    }
    res.on('close', () => {
      if (!recorded.finished) recorded.aborted = true;
    });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'x-goog-request-id': 'req-fake' });
    for (const step of script.steps) {
      if (res.destroyed || recorded.aborted) return;
      switch (step.kind) {
        case 'delay':
          await new Promise((r) => setTimeout(r, step.ms));
          break;
        case 'gate':
          await step.open;
          break;
        case 'response':
          // Google separates events with CRLF pairs.
          res.write(`data: ${JSON.stringify(step.data)}\r\n\r\n`);
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

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  }
}
