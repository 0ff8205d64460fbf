/**
 * A wire-level Amazon Bedrock Runtime fake: `POST /model/{modelId}/converse-stream` answered with
 * `application/vnd.amazon.eventstream` frames, from scripts the test queues, and `ApplyGuardrail`.
 * Speaks HTTP/1.1 and, on the same port, HTTP/2 in cleartext with prior knowledge (what the SDK's
 * default Bedrock Runtime handler sends to an `http://` endpoint): each connection goes to one or
 * the other by its first bytes. Records every request, the connection and protocol it came on,
 * and whether the client aborted it.
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest } from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

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
  /** The TCP connection it came on: 1 for the fake's first, 2 for its second... */
  connection: number;
  protocol: Protocol;
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

export type Protocol = 'http/1.1' | 'h2';

/** The connection preface an HTTP/2 client with prior knowledge opens with. */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

type Request = IncomingMessage | Http2ServerRequest;
/** What the fake uses of a response: the same on both protocols. */
interface Response {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: Uint8Array): unknown;
  end(): unknown;
  end(body: string): unknown;
  on(event: 'close', listener: () => void): unknown;
  readonly destroyed: boolean;
}

export class BedrockFake {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Script[] = [];
  private readonly sockets = new Set<Socket>();
  /** Each open connection's number, by its client's address and port (an HTTP/2 request's socket is a proxy). */
  private readonly connectionIds = new Map<string, number>();
  // A cut drops the connection mid-body on HTTP/1.1 (there is no other way), and resets the stream on HTTP/2.
  private readonly http1 = createHttpServer(
    (req, res) => void this.handle(req, res, 'http/1.1', () => res.socket?.destroy()),
  );
  private readonly http2 = createHttp2Server(
    (req, res) => void this.handle(req, res, 'h2', () => res.stream.close(2 /* NGHTTP2_INTERNAL_ERROR */)),
  );
  private readonly server = createNetServer((socket) => this.route(socket));
  /** TCP connections accepted so far. */
  connections = 0;
  /** The numbers of the connections that have closed. */
  readonly closedConnections = new Set<number>();
  readonly guardrailCalls: { id: string; version: string; body: any; connection: number }[] = [];
  /** The ApplyGuardrail answer for a text; by default the guardrail lets everything through. */
  guardrailVerdict: (text: string) => unknown = () => ({ action: 'NONE', outputs: [], assessments: [] });
  /** What to play when the queue is empty: a fixed answer, so stray calls are visible, not hung. */
  fallback: Script = textTurn(['(no scripted turn)']);

  async start(): Promise<this> {
    // Kept-alive connections stay until the client closes them or the fake stops: a client that
    // reuses one is never raced by the fake closing it.
    this.http1.keepAliveTimeout = 0;
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

  /** Connections open now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Closes every open connection, as a server closes idle ones. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Hands a new connection to the HTTP/2 server if it opens with the preface, else to HTTP/1.1. */
  private route(socket: Socket): void {
    const id = ++this.connections;
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    this.sockets.add(socket);
    this.connectionIds.set(key, id);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.connectionIds.delete(key);
      this.closedConnections.add(id);
    });
    socket.on('error', () => socket.destroy());
    let seen = Buffer.alloc(0);
    const peek = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const h2 = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (h2 && seen.length < H2_PREFACE.length) return;
      socket.off('data', peek);
      socket.pause();
      socket.unshift(seen);
      // The HTTP/2 session reads what was put back itself; the HTTP/1.1 parser needs the flow on.
      if (h2) this.http2.emit('connection', socket);
      else (this.http1.emit('connection', socket), socket.resume());
    };
    socket.on('data', peek);
  }

  private connectionOf(req: Request): number {
    return this.connectionIds.get(`${req.socket.remoteAddress}:${req.socket.remotePort}`) ?? 0;
  }

  private async handle(req: Request, res: Response, protocol: Protocol, cut: () => void): Promise<void> {
    const match = /^\/model\/([^/]+)\/converse-stream$/.exec(req.url ?? '');
    const connection = this.connectionOf(req);
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const guardrail = /^\/guardrail\/([^/]+)\/version\/([^/]+)\/apply$/.exec(req.url ?? '');
    if (req.method === 'POST' && guardrail) {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      this.guardrailCalls.push({
        id: decodeURIComponent(guardrail[1]!),
        version: guardrail[2]!,
        body,
        connection,
      });
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
      connection,
      protocol,
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
          cut();
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
