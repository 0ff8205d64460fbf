/**
 * The Lambda host: a Function URL with `InvokeMode: RESPONSE_STREAM`, `POST /`. Same pipeline as
 * the HTTP host; the chat stream is written to Lambda's response stream event by event.
 */
import type { Writable } from 'node:stream';
import { encodeEvent } from '../protocol';
import { createBackend } from '../core/bootstrap';
import { loadConfig } from '../core/config';
import { ServiceError, toErrorResponse } from '../core/errors';
import { authenticate, handleInvocation, type Backend } from '../core/invocation';
import { actorTag, createLogger, type Logger } from '../core/log';

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

export function createHandler(backend: Backend, runtime: StreamingRuntime, log: Logger) {
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
    try {
      if ((event.rawPath ?? '/') !== '/')
        return respond(404, { error: { code: 'not_found', message: 'POST / only' } });
      if (method !== 'POST')
        return respond(
          405,
          { error: { code: 'method_not_allowed', message: 'use POST' } },
          { allow: 'POST' },
        );
      const headers = lowerCaseKeys(event.headers ?? {});
      const actor = await authenticate(backend, headers.authorization);
      entry.actor = actorTag(actor.actorId);
      const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : (event.body ?? '');
      const abort = new AbortController();
      responseStream.on('close', () => abort.abort());
      const result = await handleInvocation(backend, actor, body, abort.signal);
      entry.action = result.action;
      if (result.kind === 'json') return respond(200, result.body);
      const out = runtime.HttpResponseStream.from(responseStream, {
        statusCode: 200,
        headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
      });
      for await (const streamEvent of result.events) out.write(encodeEvent(streamEvent));
      out.end();
      log.info('request', {
        ...entry,
        status: 200,
        sessionId: result.sessionId,
        latencyMs: Math.round(performance.now() - started),
      });
    } catch (error) {
      if (!(error instanceof ServiceError)) log.error('request failed', { error });
      const { status, body, headers } = toErrorResponse(error);
      respond(status, body, headers);
    }
  });
}

function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

declare const awslambda: StreamingRuntime | undefined;

/** The Lambda entry point, built once per execution environment. */
export const handler =
  typeof awslambda !== 'undefined'
    ? (() => {
        const config = loadConfig(process.env, { host: '0.0.0.0' });
        const log = createLogger(config.logLevel);
        return createHandler(createBackend(config, log), awslambda, log);
      })()
    : undefined;
