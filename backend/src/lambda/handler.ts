/**
 * The Lambda host: a Function URL with `InvokeMode: RESPONSE_STREAM`, `POST /`. Same pipeline as
 * the HTTP host; the chat stream is written to Lambda's response stream event by event.
 */
import type { Writable } from 'node:stream';
import { createBackend } from '../core/bootstrap';
import { ConfigError, loadConfig, refuseInlineKey, type BackendConfig } from '../core/config';
import { MethodNotAllowedError, NotFoundError, ServiceError, toErrorResponse } from '../core/errors';
import { authenticate, handleInvocation, type Backend, type InvocationResult } from '../core/invocation';
import { actorTag, createLogger, type Logger } from '../core/log';
import { pumpEvents } from '../server/event-pump';

/** The part of a Function URL event this host reads. */
export interface FunctionUrlEvent {
  rawPath?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string }; requestId?: string };
}

interface ResponseMeta {
  statusCode: number;
  headers: Record<string, string>;
}

/** The Lambda Node.js runtime's streaming API (a global there, injected in tests). */
export interface StreamingRuntime {
  streamifyResponse(handler: (event: FunctionUrlEvent, stream: Writable) => Promise<void>): unknown;
  HttpResponseStream: { from(stream: Writable, meta: ResponseMeta): Writable };
}

/**
 * The Lambda's configuration. A Function URL is public: a backend that checks no token there would
 * serve anyone on the internet, so AUTH_MODE=none stops the function at start-up.
 */
export function loadLambdaConfig(env: Record<string, string | undefined>): BackendConfig {
  const config = loadConfig(env, { host: '0.0.0.0' });
  if (config.auth.mode === 'none')
    throw new ConfigError('AUTH_MODE=none is refused on Lambda: a Function URL is public; configure Cognito');
  refuseInlineKey(config, 'Lambda');
  return config;
}

export function createHandler(
  backend: Backend,
  runtime: StreamingRuntime,
  log: Logger,
  options: { keepaliveMs?: number } = {},
) {
  return runtime.streamifyResponse(async (event, responseStream) => {
    const started = performance.now();
    const method = event.requestContext?.http?.method ?? 'GET';
    const entry: Record<string, unknown> = {
      requestId: event.requestContext?.requestId,
      method,
      path: event.rawPath ?? '/',
    };
    const respond = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => {
      const out = runtime.HttpResponseStream.from(responseStream, {
        statusCode,
        headers: { 'content-type': 'application/json', ...headers },
      });
      out.end(JSON.stringify(body));
      log.info('request', {
        ...entry,
        status: statusCode,
        latencyMs: Math.round(performance.now() - started),
      });
    };
    let result: InvocationResult | undefined;
    let streaming = false;
    try {
      if ((event.rawPath ?? '/') !== '/') throw new NotFoundError('POST / only');
      if (method !== 'POST') throw new MethodNotAllowedError('POST');
      const headers = lowerCaseKeys(event.headers ?? {});
      const actor = await authenticate(backend, headers.authorization);
      entry.actor = actorTag(actor.actorId);
      const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : (event.body ?? '');
      const abort = new AbortController();
      responseStream.on('close', () => abort.abort());
      result = await handleInvocation(backend, actor, body, abort.signal);
      entry.action = result.action;
      if (result.kind === 'json') return respond(200, result.body);
      streaming = true;
      const out = runtime.HttpResponseStream.from(responseStream, {
        statusCode: 200,
        headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
      });
      // A failure from here on ends the stream with an `error` event: the status is already sent.
      // A client that went away aborts the turn; what is left still drains (and is stored), unsent.
      const write = (chunk: string) => void (out.destroyed || out.writableEnded || out.write(chunk));
      await pumpEvents(result.events, write, {
        ...(options.keepaliveMs !== undefined ? { keepaliveMs: options.keepaliveMs } : {}),
        onError: (error) => log.error('chat stream failed', { error }),
      });
      if (!out.writableEnded) out.end();
      log.info('request', {
        ...entry,
        status: 200,
        sessionId: result.sessionId,
        latencyMs: Math.round(performance.now() - started),
      });
    } catch (error) {
      if (!(error instanceof ServiceError)) log.error('request failed', { error });
      if (streaming) {
        // Never a second status line after the stream started; just close it.
        if (!responseStream.writableEnded) responseStream.end();
        return;
      }
      const { status, body, headers } = toErrorResponse(error);
      respond(status, body, headers);
    } finally {
      // Frees the caller's stream slot even when the stream was never read.
      if (result?.kind === 'stream') await result.events.return(undefined);
    }
  });
}

function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

declare const awslambda: StreamingRuntime | undefined;

/**
 * The Lambda entry point, built once per execution environment. Only the real runtime's streaming
 * API counts: loading an AWS SDK client defines an empty `awslambda` global elsewhere too.
 */
export const handler =
  typeof awslambda !== 'undefined' && typeof awslambda?.streamifyResponse === 'function'
    ? (() => {
        const config = loadLambdaConfig(process.env);
        const log = createLogger(config.logLevel);
        return createHandler(createBackend(config, log), awslambda, log, { keepaliveMs: config.keepaliveMs });
      })()
    : undefined;
