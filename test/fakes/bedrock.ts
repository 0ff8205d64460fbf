/**
 * A wire-level Amazon Bedrock Runtime fake: `POST /model/{modelId}/converse-stream` answered with
 * `application/vnd.amazon.eventstream` frames, from scripts the test queues. Speaks HTTP/2 in
 * cleartext with prior knowledge, which is what the SDK's Bedrock Runtime client sends to an
 * `http://` endpoint. Records every request and whether the client aborted it.
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import {
  createServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import type { AddressInfo } from 'node:net';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export type Step =
  | { kind: 'event'; eventType: string; payload: unknown }
  | { kind: 'exception'; exceptionType: string; message: string }
  | { kind: 'delay'; ms: number }
  /** Destroys the connection mid-stream. */
  | { kind: 'cut' }
  /** Stops sending but keeps the stream open until the client goes away. */
  | { kind: 'hang' };

export type Script = { httpError?: { status: number; errorType: string; message: string }; steps: Step[] };

export interface RecordedRequest {
  modelId: string;
  body: any;
  /** Set when the client closed the stream before the script finished. */
  aborted: boolean;
  finished: boolean;
}

// ---- Script builders ----

export const ev = (eventType: string, payload: unknown): Step => ({ kind: 'event', eventType, payload });
export const delay = (ms: number): Step => ({ kind: 'delay', ms });

/**
 * Converse's closing metadata: `usage` is [input, output, cache read, cache write]; Converse counts
 * cached input apart from `inputTokens`.
 */
function metadata([inputTokens, outputTokens, cacheRead, cacheWrite]: Usage): Step {
  return ev('metadata', {
    usage: {
      inputTokens,
      outputTokens,
      totalTokens: inputTokens + outputTokens + (cacheRead ?? 0) + (cacheWrite ?? 0),
      ...(cacheRead !== undefined ? { cacheReadInputTokens: cacheRead } : {}),
      ...(cacheWrite !== undefined ? { cacheWriteInputTokens: cacheWrite } : {}),
    },
    metrics: { latencyMs: 5 },
  });
}
type Usage = [number, number, number?, number?];

/** A complete text answer, streamed as the given deltas. */
export function textTurn(
  deltas: string[],
  options: { stopReason?: string; gapMs?: number; usage?: Usage } = {},
): Script {
  const steps: Step[] = [ev('messageStart', { role: 'assistant' })];
  for (const text of deltas) {
    if (options.gapMs) steps.push(delay(options.gapMs));
    steps.push(ev('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }));
  }
  steps.push(
    ev('contentBlockStop', { contentBlockIndex: 0 }),
    ev('messageStop', { stopReason: options.stopReason ?? 'end_turn' }),
  );
  steps.push(metadata(options.usage ?? [12, deltas.length]));
  return { steps };
}

/** A turn that asks for tools; each input is streamed as partial JSON in a few pieces. */
export function toolTurn(
  calls: { id: string; name: string; input: unknown }[],
  preamble?: string,
  options: { usage?: Usage } = {},
): Script {
  const steps: Step[] = [ev('messageStart', { role: 'assistant' })];
  let index = 0;
  if (preamble) {
    steps.push(
      ev('contentBlockDelta', { contentBlockIndex: index, delta: { text: preamble } }),
      ev('contentBlockStop', { contentBlockIndex: index }),
    );
    index++;
  }
  for (const call of calls) {
    steps.push(
      ev('contentBlockStart', {
        contentBlockIndex: index,
        start: { toolUse: { toolUseId: call.id, name: call.name } },
      }),
    );
    const json = JSON.stringify(call.input);
    const third = Math.ceil(json.length / 3) || 1;
    for (let i = 0; i < json.length; i += third) {
      steps.push(
        ev('contentBlockDelta', {
          contentBlockIndex: index,
          delta: { toolUse: { input: json.slice(i, i + third) } },
        }),
      );
    }
    steps.push(ev('contentBlockStop', { contentBlockIndex: index }));
    index++;
  }
  steps.push(ev('messageStop', { stopReason: 'tool_use' }), metadata(options.usage ?? [20, 8]));
  return { steps };
}

export const throttled = (): Script => ({
  httpError: {
    status: 429,
    errorType: 'ThrottlingException',
    message: 'Too many requests, please wait before trying again.',
  },
  steps: [],
});

export function streamException(exceptionType: string, message: string, before: Step[] = []): Script {
  return {
    steps: [
      ev('messageStart', { role: 'assistant' }),
      ...before,
      { kind: 'exception', exceptionType, message },
    ],
  };
}

// ---- The server ----

export class BedrockFake {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Script[] = [];
  private readonly sessions = new Set<Http2Session>();
  private readonly server = createServer((req, res) => void this.handle(req, res));
  readonly guardrailCalls: { id: string; version: string; body: any }[] = [];
  /** The ApplyGuardrail answer for a text; by default the guardrail lets everything through. */
  guardrailVerdict: (text: string) => unknown = () => ({ action: 'NONE', outputs: [], assessments: [] });
  /** What to play when the queue is empty: a fixed answer, so stray calls are visible, not hung. */
  fallback: Script = textTurn(['(no scripted turn)']);

  async start(): Promise<this> {
    this.server.on('session', (session) => {
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
    });
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
    this.guardrailCalls.length = 0;
  }

  get pending(): number {
    return this.queue.length;
  }

  async stop(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
    const match = /^\/model\/([^/]+)\/converse-stream$/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const guardrail = /^\/guardrail\/([^/]+)\/version\/([^/]+)\/apply$/.exec(req.url ?? '');
    if (req.method === 'POST' && guardrail) {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      this.guardrailCalls.push({ id: decodeURIComponent(guardrail[1]!), version: guardrail[2]!, body });
      const verdict = this.guardrailVerdict(body.content?.[0]?.text?.text ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(verdict));
    }
    if (req.method !== 'POST' || !match) {
      res.writeHead(404, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'UnknownOperationException',
      });
      return void res.end('{"message":"not found"}');
    }
    const recorded: RecordedRequest = {
      modelId: decodeURIComponent(match[1]!),
      body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      aborted: false,
      finished: false,
    };
    this.requests.push(recorded);
    const script = this.queue.shift() ?? this.fallback;
    if (script.httpError) {
      const { status, errorType, message } = script.httpError;
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      });
      return void res.end(JSON.stringify({ message }));
    }
    res.on('close', () => {
      if (!recorded.finished) recorded.aborted = true;
    });
    res.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': `req-${this.requests.length}`,
    });
    for (const step of script.steps) {
      if (res.destroyed || recorded.aborted) return;
      switch (step.kind) {
        case 'delay':
          await new Promise((r) => setTimeout(r, step.ms));
          break;
        case 'event':
          res.write(
            frame(
              {
                ':message-type': 'event',
                ':event-type': step.eventType,
                ':content-type': 'application/json',
              },
              step.payload,
            ),
          );
          break;
        case 'exception':
          res.write(
            frame(
              {
                ':message-type': 'exception',
                ':exception-type': step.exceptionType,
                ':content-type': 'application/json',
              },
              { message: step.message },
            ),
          );
          break;
        case 'cut':
          recorded.finished = true;
          res.stream.close(2 /* NGHTTP2_INTERNAL_ERROR */);
          return;
        case 'hang':
          return;
      }
    }
    recorded.finished = true;
    res.end();
  }
}

function frame(headers: Record<string, string>, payload: unknown): Uint8Array {
  return codec.encode({
    headers: Object.fromEntries(
      Object.entries(headers).map(([k, value]) => [k, { type: 'string' as const, value }]),
    ),
    body: fromUtf8(JSON.stringify(payload)),
  });
}
