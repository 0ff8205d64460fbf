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
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ControlStep, type RecordedRequest, ScriptServer } from './script-server';

export { delay, gate, split, type RecordedRequest } from './script-server';

export type Step = { kind: 'response'; data: unknown } | ControlStep;

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

export class GeminiFake extends ScriptServer<Step, Script> {
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

  protected frame(step: Step): string {
    // Google separates events with CRLF pairs.
    return `data: ${JSON.stringify((step as { data: unknown }).data)}\r\n\r\n`;
  }

  protected async route(req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest): Promise<void> {
    const url = new URL(req.url ?? '', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/v1beta/models') {
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      const page = this.models.slice(start, start + this.pageSize);
      const next = start + this.pageSize < this.models.length ? String(start + this.pageSize) : undefined;
      return this.json(
        res,
        recorded,
        200,
        { models: page, ...(next ? { nextPageToken: next } : {}) },
        JSON_UTF8,
      );
    }
    const stream = /^\/v1beta\/models\/([^/:]+):streamGenerateContent$/.exec(url.pathname);
    if (req.method !== 'POST' || !stream || url.searchParams.get('alt') !== 'sse') {
      return this.json(
        res,
        recorded,
        404,
        {
          error: { code: 404, message: 'Not found', status: 'NOT_FOUND' },
        },
        JSON_UTF8,
      );
    }
    const script = this.nextScript();
    if (script.httpError)
      return this.json(res, recorded, script.httpError.code, { error: script.httpError }, JSON_UTF8);
    await this.play(res, recorded, script.steps, { 'x-goog-request-id': 'req-fake' });
  }
}

const JSON_UTF8 = { 'content-type': 'application/json; charset=UTF-8' };
