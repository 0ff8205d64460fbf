/**
 * A stand-in for the AgentCore Runtime data plane: `POST /runtimes/{url-encoded arn}/invocations`.
 * Each runtime has one inbound authorizer, as a real one does: `jwt` (a Cognito bearer token,
 * forwarded to the container in `Authorization`) or `iam` (SigV4; nothing forwarded). The fake
 * checks what the service checks at its door (the authorizer kind, the SigV4 header's shape, the
 * runtime session id's length 33..256) and forwards the payload to the container host, streaming
 * the answer back. A token's signature is the container's to verify: this fake never vouches for it.
 * The container's status and body pass through unchanged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

export interface FakeRuntime {
  authorizer: 'jwt' | 'iam';
  /** The container host's base URL (read at request time: hosts may restart on a new port). */
  target: () => string;
}

export interface RecordedInvocation {
  arn: string;
  qualifier: string | undefined;
  auth: 'bearer' | 'sigv4';
  runtimeSessionId: string;
  /** The SigV4 credential scope's access key id, for `sigv4`. */
  accessKeyId?: string;
  /** What the container received in `Authorization` (bearer only). */
  forwardedAuthorization?: string;
  body: unknown;
  status?: number;
}

const SESSION_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';
const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]{4,128})\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

export class AgentCoreRuntimeFake {
  readonly invocations: RecordedInvocation[] = [];
  url = '';
  private server?: Server;

  constructor(private readonly runtimes: Record<string, FakeRuntime>) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        if (!res.headersSent) fail(res, 500, 'InternalServerException', String(error));
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  reset(): void {
    this.invocations.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/runtimes\/([^/]+)\/invocations$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return fail(res, 404, 'UnknownOperationException', 'no such route');
    let arn: string;
    try {
      arn = decodeURIComponent(match[1]!);
    } catch {
      return fail(res, 400, 'ValidationException', 'malformed runtime ARN');
    }
    const runtime = this.runtimes[arn];
    if (!runtime) return fail(res, 404, 'ResourceNotFoundException', `no runtime ${arn}`);

    const authorization = header(req, 'authorization') ?? '';
    const sigv4 = SIGV4.exec(authorization);
    const bearer = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(authorization);
    if (!sigv4 && !bearer) return fail(res, 401, 'AccessDeniedException', 'missing or malformed credentials');
    if (runtime.authorizer === 'jwt' && !bearer)
      return fail(res, 403, 'AccessDeniedException', 'this runtime authorizes bearer tokens, not SigV4');
    if (runtime.authorizer === 'iam' && !sigv4)
      return fail(res, 403, 'AccessDeniedException', 'this runtime authorizes SigV4, not bearer tokens');
    if (sigv4) {
      const [, , date, region, service, signed] = sigv4;
      const amzDate = header(req, 'x-amz-date') ?? '';
      const signedHeaders = signed!.split(';');
      const arnRegion = arn.split(':')[3];
      if (
        service !== 'bedrock-agentcore' ||
        region !== arnRegion ||
        !/^\d{8}T\d{6}Z$/.test(amzDate) ||
        !amzDate.startsWith(date!) ||
        !['host', 'x-amz-date', SESSION_HEADER].every((h) => signedHeaders.includes(h))
      ) {
        return fail(res, 403, 'InvalidSignatureException', 'the SigV4 signature does not match its scope');
      }
    }

    const runtimeSessionId = header(req, SESSION_HEADER) ?? '';
    if (runtimeSessionId.length < 33 || runtimeSessionId.length > 256)
      return fail(
        res,
        400,
        'ValidationException',
        'runtimeSessionId must be between 33 and 256 characters long',
      );

    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = raw;
    }
    const record: RecordedInvocation = {
      arn,
      qualifier: url.searchParams.get('qualifier') ?? undefined,
      auth: sigv4 ? 'sigv4' : 'bearer',
      runtimeSessionId,
      ...(sigv4 ? { accessKeyId: sigv4[1]! } : { forwardedAuthorization: authorization }),
      body,
    };
    this.invocations.push(record);

    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const upstream = await fetch(`${runtime.target()}/invocations`, {
      method: 'POST',
      headers: {
        'content-type': header(req, 'content-type') ?? 'application/json',
        accept: header(req, 'accept') ?? '*/*',
        [SESSION_HEADER]: runtimeSessionId,
        ...(bearer ? { authorization } : {}),
      },
      body: raw,
      signal: abort.signal,
    }).catch((error: unknown) => {
      if (abort.signal.aborted) return undefined;
      throw error;
    });
    if (!upstream) return;
    record.status = upstream.status;
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
      [SESSION_HEADER]: runtimeSessionId,
    });
    if (!upstream.body) return void res.end();
    const stream = Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The service's own errors (restJson1): the type in `x-amzn-errortype`, the text in `message`. */
function fail(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ message }));
}
