/**
 * The contract over HTTP(S): the local server, a Lambda Function URL, an AgentCore runtime's
 * invocation URL. A bearer token is sent when the token source has one.
 */
import {
  ErrorBody,
  type ChatRequest,
  type ReplyOf,
  type RequestOf,
  type StreamEvent,
} from '../../backend/src/protocol';
import {
  ConnectionError,
  errorKindForStatus,
  eventsOf,
  type AgentConnection,
  type JsonAction,
} from './types';
import { replyOf } from './reply';

export interface HttpConnectionOptions {
  url: string;
  /** The current access token, refreshed if needed; undefined when not signed in. */
  token?: () => Promise<string | undefined>;
  /** Extra headers per request (AgentCore's runtime session id). */
  headers?: (request: { sessionId?: string }) => Record<string, string>;
  mode?: 'http' | 'agentcore';
  label?: string;
  fetch?: typeof fetch;
}

export class HttpConnection implements AgentConnection {
  readonly mode: 'http' | 'agentcore';
  readonly label: string;
  private readonly url: URL;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HttpConnectionOptions) {
    this.url = invocationUrl(options.url);
    this.mode = options.mode ?? 'http';
    this.label = options.label ?? this.url.host;
    this.fetch = options.fetch ?? fetch;
  }

  async *chat(request: Omit<ChatRequest, 'action'>, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const response = await this.post({ action: 'chat', ...request }, signal, request.sessionId);
    if (!response.body) throw new ConnectionError('internal', 'The backend answered without a stream.');
    yield* eventsOf(response.body, signal, 'backend');
  }

  async invoke<A extends JsonAction>(request: RequestOf<A>, signal?: AbortSignal): Promise<ReplyOf<A>> {
    const response = await this.post(request, signal, 'sessionId' in request ? request.sessionId : undefined);
    return replyOf((request as { action: A }).action, await response.json(), this.label);
  }

  dispose(): void {}

  private async post(
    body: unknown,
    signal: AbortSignal | undefined,
    sessionId: string | undefined,
  ): Promise<Response> {
    const token = await this.options.token?.();
    let response: Response;
    try {
      response = await this.fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...this.options.headers?.({ ...(sessionId ? { sessionId } : {}) }),
        },
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new ConnectionError(
        'unreachable',
        `Cannot reach the backend at ${this.url.host}. Is it running?`,
        { cause },
      );
    }
    if (response.ok) return response;
    const parsed = ErrorBody.safeParse(await response.json().catch(() => undefined));
    const message = parsed.success ? parsed.data.error.message : `The backend answered ${response.status}.`;
    if (response.status === 401) {
      throw new ConnectionError(
        'unauthorized',
        token
          ? `The backend refused the sign-in (${message}). Sign in again.`
          : 'The backend asks for a sign-in: configure the Cognito user pool and sign in.',
        { status: 401 },
      );
    }
    const code = parsed.success ? parsed.data.error.code : undefined;
    const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
    throw new ConnectionError(errorKindForStatus(response.status, code), message, {
      status: response.status,
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
}

/**
 * Where invocations go: a URL with a path is used as given; a bare host gets `/invocations`
 * (local server, container) unless it is a Lambda Function URL, which takes `POST /`.
 * Plain http only to loopback: tokens never cross a network unencrypted.
 */
export function invocationUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConnectionError('not_configured', `cloudEngineer.backend.url is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ConnectionError(
      'not_configured',
      'cloudEngineer.backend.url must be https:// (plain http only for 127.0.0.1 or localhost).',
    );
  }
  if ((url.pathname === '/' || url.pathname === '') && !url.hostname.includes('.lambda-url.'))
    url.pathname = '/invocations';
  return url;
}

/** `Retry-After` as seconds: delta-seconds, or an HTTP date from now; undefined when absent or malformed. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  // An HTTP date names its day and month ("Mon, 02 Mar 2026 00:00:00 GMT"); "-5" is not one.
  const at = /^[A-Za-z]{3}, /.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((at - now) / 1000));
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
