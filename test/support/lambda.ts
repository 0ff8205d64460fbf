/**
 * The Lambda handler driven in process as a Function URL drives it: Lambda's streaming runtime API
 * (what the Node.js runtime provides on `awslambda`), the POST event, and the streamed answer.
 */
import { PassThrough, type Writable } from 'node:stream';
import type { FunctionUrlEvent, StreamingRuntime } from '../../backend/src/lambda/handler';

export interface ResponseMeta {
  statusCode: number;
  headers: Record<string, string>;
}

/** The runtime API; `metas` gets each response's status and headers as the handler starts it. */
export function recordingRuntime(): { runtime: StreamingRuntime; metas: ResponseMeta[] } {
  const metas: ResponseMeta[] = [];
  const runtime: StreamingRuntime = {
    streamifyResponse: (handler) => handler,
    HttpResponseStream: {
      from(stream: Writable, meta) {
        metas.push(meta);
        return stream;
      },
    },
  };
  return { runtime, metas };
}

/**
 * The runtime API as Lambda implements it: `from` writes the status and headers into the body's
 * stream as a JSON prelude and eight NUL bytes ({@link splitPrelude} reads them back).
 */
export const preludeRuntime: StreamingRuntime = {
  streamifyResponse: (handler) => handler,
  HttpResponseStream: {
    from(stream: Writable, meta) {
      stream.write(`${JSON.stringify(meta)}\0\0\0\0\0\0\0\0`);
      return stream;
    },
  },
};

/** A response written through {@link preludeRuntime}: its status and headers, and the body after them. */
export function splitPrelude(raw: string): { meta: ResponseMeta; body: string } {
  const cut = raw.indexOf('\0'.repeat(8));
  return { meta: JSON.parse(raw.slice(0, cut)) as ResponseMeta, body: raw.slice(cut + 8) };
}

/**
 * A Function URL POST: `body` as JSON (a string as it is), with a bearer `token` when given;
 * `headers` add to (or replace) the JSON content type, and the rest replaces the event's fields.
 */
export function functionUrlPost(
  body: unknown,
  { token, headers, ...rest }: Partial<FunctionUrlEvent> & { token?: string } = {},
): FunctionUrlEvent {
  return {
    rawPath: '/',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: { http: { method: 'POST' }, requestId: 'r' },
    ...rest,
  };
}

/** Runs the handler (as `createHandler` made it) on `event`: what it streamed, and when each chunk came. */
export async function invoke(
  handler: unknown,
  event: FunctionUrlEvent,
): Promise<{ body: string; arrivals: number[] }> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  const arrivals: number[] = [];
  stream.on('data', (c: Buffer) => (chunks.push(c), arrivals.push(Date.now())));
  await (handler as (event: FunctionUrlEvent, stream: Writable) => Promise<void>)(event, stream);
  return { body: Buffer.concat(chunks).toString('utf8'), arrivals };
}
