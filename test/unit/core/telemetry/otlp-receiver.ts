/**
 * An in-process OTLP/HTTP trace receiver: a node:http server that decodes the exporter's JSON
 * (`@opentelemetry/exporter-trace-otlp-http` sends `application/json`) and keeps every span with
 * its attributes flattened to plain values. Anything else is recorded as unsupported.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, string | number | boolean>;
  status?: { code?: number };
}

export class OtlpReceiver {
  readonly bodies: unknown[] = [];
  readonly paths: string[] = [];
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void read(req).then((body) => {
        this.paths.push(req.url ?? '');
        if ((req.headers['content-type'] ?? '').includes('json'))
          this.bodies.push(JSON.parse(body.toString('utf8')));
        else this.bodies.push({ unsupported: req.headers['content-type'] });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  spans(): ReceivedSpan[] {
    const out: ReceivedSpan[] = [];
    for (const body of this.bodies as any[])
      for (const rs of body.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? [])
            out.push({
              name: s.name,
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              attributes: Object.fromEntries((s.attributes ?? []).map((a: any) => [a.key, value(a.value)])),
              status: s.status,
            });
    return out;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

function value(v: any): string | number | boolean {
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  return JSON.stringify(v);
}

async function read(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
