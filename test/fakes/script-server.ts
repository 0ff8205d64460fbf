/**
 * What the model providers' wire fakes (Anthropic, OpenAI-compatible, Gemini) share: a loopback
 * HTTP server that records every request, plays queued scripts of streamed frames and control
 * steps (delays, gates, mid-stream cuts, hangs) and notes whether the client aborted. Each fake
 * routes its own paths and renders its own frames.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ControlStep =
  /** Raw bytes, for a frame split mid-way (even inside a character) or a ping. */
  | { kind: 'raw'; bytes: string | Buffer }
  | { kind: 'delay'; ms: number }
  /** Waits until the test opens the gate: proves a delta reached the caller before the next was sent. */
  | { kind: 'gate'; open: Promise<void> }
  /** Destroys the connection mid-stream. */
  | { kind: 'cut' }
  /** Stops sending but keeps the stream open until the client goes away. */
  | { kind: 'hang' };

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

export const delay = (ms: number): ControlStep => ({ kind: 'delay', ms });

export function gate(): { step: ControlStep; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { step: { kind: 'gate', open: opened }, open };
}

export function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length ? pieces : [''];
}

export abstract class ScriptServer<Step extends { kind: string }, Script extends { steps: Step[] }> {
  readonly requests: RecordedRequest[] = [];
  protected readonly queue: Script[] = [];
  abstract fallback: Script;
  private readonly server = createServer((req, res) => void this.receive(req, res));

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** The origin the SDK's base URL is built on. */
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

  get pending(): number {
    return this.queue.length;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Routes one recorded request; answers with `json` or `play`. */
  protected abstract route(
    req: IncomingMessage,
    res: ServerResponse,
    recorded: RecordedRequest,
  ): Promise<void>;

  /** The bytes of one provider frame (a step that is not a control step). */
  protected abstract frame(step: Step): string;

  protected nextScript(): Script {
    return this.queue.shift() ?? this.fallback;
  }

  protected json(
    res: ServerResponse,
    recorded: RecordedRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    recorded.finished = true;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  protected async play(
    res: ServerResponse,
    recorded: RecordedRequest,
    steps: Step[],
    headers: Record<string, string>,
  ): Promise<void> {
    res.on('close', () => {
      if (!recorded.finished) recorded.aborted = true;
    });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
    for (const step of steps as (Step | ControlStep)[]) {
      if (res.destroyed || recorded.aborted) return;
      const control = step as ControlStep;
      switch (control.kind) {
        case 'delay':
          await new Promise((r) => setTimeout(r, control.ms));
          break;
        case 'gate':
          await control.open;
          break;
        case 'raw':
          res.write(control.bytes);
          break;
        case 'cut':
          recorded.finished = true;
          res.socket?.destroy();
          return;
        case 'hang':
          return;
        default:
          res.write(this.frame(step as Step));
      }
    }
    recorded.finished = true;
    res.end();
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    await this.route(req, res, recorded);
  }
}
