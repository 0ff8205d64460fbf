/**
 * The HTTP host of the contract: `POST /invocations`, `GET /ping`. Used locally and as the
 * AgentCore Runtime container. Streams each chat event the moment the agent yields it.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { BODY_LIMIT_BYTES } from '../protocol';
import { noAuth, type Actor } from '../core/auth/authenticator';
import { rememberVerifiedTokens } from '../core/auth/verified-tokens';
import {
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceError,
  toErrorResponse,
} from '../core/errors';
import { handleInvocation, type Backend } from '../core/invocation';
import { actorTag, type Logger } from '../core/log';
import { browserForgeryReason } from './browser-guard';
import { pumpEvents } from './event-pump';

// Not an `import` of node:http: Node 22 builds that module's ES-module face by reading every
// export, which loads its bundled fetch client (tens of ms at start-up) for getters never used.
const { createServer } = process.getBuiltinModule('node:http');

export interface HttpHost {
  server: Server;
  /** Stops accepting, lets open streams finish for `graceMs`, then cuts them. */
  shutdown(graceMs: number): Promise<void>;
}

export interface HttpHostOptions {
  /**
   * `none`: no token is checked, so requests a web page could forge are refused (403). Default:
   * `none` when the backend's authenticator is the no-auth one.
   */
  authMode?: 'cognito' | 'none';
  /** How long a chat stream may stay silent before a `: keepalive` comment goes out. */
  keepaliveMs?: number;
}

export function createHttpHost(backend: Backend, log: Logger, options: HttpHostOptions = {}): HttpHost {
  const localOnly = (options.authMode ?? (backend.auth === noAuth ? 'none' : 'cognito')) === 'none';
  // Every request is authenticated; a token already verified is not checked again until it expires.
  const auth = backend.auth === noAuth ? noAuth : rememberVerifiedTokens(backend.auth);
  const refuseForgeable = (req: IncomingMessage, invocation: boolean) => {
    const reason = browserForgeryReason(
      req.method,
      req.headers,
      req.socket.localPort,
      invocation,
      req.rawHeaders,
    );
    if (reason) throw new ForbiddenError(reason);
  };
  const openStreams = new Set<AbortController>();
  let lastStatusChange = Math.floor(Date.now() / 1000);
  const markChange = () => (lastStatusChange = Math.floor(Date.now() / 1000));

  const server = createServer((req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    const entry: Record<string, unknown> = { requestId, method: req.method, path: pathOf(req) };
    res.on('finish', () =>
      log.info('request', {
        ...entry,
        status: res.statusCode,
        latencyMs: Math.round(performance.now() - started),
      }),
    );
    res.on('close', () => {
      if (!res.writableFinished)
        log.info('request', {
          ...entry,
          status: res.statusCode,
          latencyMs: Math.round(performance.now() - started),
          clientGone: true,
        });
    });
    route(req, res, entry).catch((error) => {
      if (!(error instanceof ServiceError)) log.error('request failed', { requestId, error });
      if (!res.headersSent) sendError(res, error);
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000; // longer than load balancers' idle timeout, so they close first

  async function route(req: IncomingMessage, res: ServerResponse, entry: Record<string, unknown>) {
    const path = pathOf(req);
    // Foreign Host or Origin first, on every path; the content type once the request would run.
    if (localOnly) refuseForgeable(req, false);
    if (path === '/ping') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new MethodNotAllowedError('GET');
      return sendJson(res, 200, {
        status: openStreams.size > 0 ? 'HealthyBusy' : 'Healthy',
        time_of_last_update: lastStatusChange,
      });
    }
    if (path !== '/invocations') throw new NotFoundError(`no route ${path}`);
    if (req.method !== 'POST') throw new MethodNotAllowedError('POST');
    if (localOnly) refuseForgeable(req, true);

    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > BODY_LIMIT_BYTES)
      throw new PayloadTooLargeError(`body is over ${BODY_LIMIT_BYTES / 1024} KiB`);
    const actor: Actor = await auth.authenticate(req.headers.authorization);
    // Whatever the host was told, an unauthenticated actor only ever gets the loopback rules.
    if (actor.authMode === 'none' && !localOnly) refuseForgeable(req, true);
    entry.actor = actorTag(actor.actorId);
    const body = await readBody(req);

    const abort = new AbortController();
    const result = await handleInvocation(backend, actor, body, abort.signal);
    entry.action = result.action;
    if (result.kind === 'json') return sendJson(res, 200, result.body);

    entry.sessionId = result.sessionId;
    openStreams.add(abort);
    if (openStreams.size === 1) markChange();
    // A client that goes away aborts the model call; the turn still ends and is stored.
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    try {
      // The headers leave with the first event (`session`, sent at once), in one write.
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      });
      req.socket.setNoDelay(true);
      await pumpEvents(
        result.events,
        (chunk) => {
          if (res.destroyed) return;
          res.write(chunk);
          // Node holds a response's writes until the current tick's work is done (it corks the
          // socket); the work after an event can be a model request being built: send it now.
          if (res.socket?.writableCorked) res.socket.uncork();
        },
        {
          ...(options.keepaliveMs !== undefined ? { keepaliveMs: options.keepaliveMs } : {}),
          onError: (error) => log.error('chat stream failed', { requestId: entry.requestId, error }),
        },
      );
      res.end();
    } finally {
      // Frees the caller's stream slot even when the stream was never read.
      await result.events.return(undefined);
      openStreams.delete(abort);
      if (openStreams.size === 0) markChange();
    }
  }

  return {
    server,
    async shutdown(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (openStreams.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      for (const stream of openStreams) stream.abort();
      // Aborted turns store their partial answers; give them a moment, then drop any connection left.
      const settle = Date.now() + 2000;
      while (openStreams.size > 0 && Date.now() < settle) await new Promise((r) => setTimeout(r, 20));
      server.closeAllConnections();
      await closed;
    },
  };
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0]!;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) {
      // Stop reading; the 413 goes out and the connection closes instead of draining the rest.
      req.resume();
      throw new PayloadTooLargeError(`body is over ${BODY_LIMIT_BYTES / 1024} KiB`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown) {
  const { status, body, headers } = toErrorResponse(error);
  // After a 413 the rest of the body is unread; closing is cheaper than draining it.
  if (status === 413) headers.connection = 'close';
  sendJson(res, status, body, headers);
}
