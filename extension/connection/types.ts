/**
 * What the chat view, the task command and the sessions tree talk to. Three implementations
 * (local, http, agentcore); none of them imports `vscode`, so they are unit-tested in plain Node.
 */
import {
  FailureCode,
  isRetryable,
  readEventStream,
  type Action,
  type ChatRequest,
  type ReplyOf,
  type RequestOf,
  type StreamEvent,
} from '../../backend/src/protocol';

export type JsonAction = Exclude<Action, 'chat'>;

export interface AgentConnection {
  readonly mode: 'local' | 'http' | 'agentcore';
  /** Where the agent runs, for the status bar: "local · dev profile", "127.0.0.1:8080". */
  readonly label: string;
  /** The chat stream; aborting `signal` cancels the request (and, server-side, the model call). */
  chat(request: Omit<ChatRequest, 'action'>, signal: AbortSignal): AsyncIterable<StreamEvent>;
  invoke<A extends JsonAction>(request: RequestOf<A>, signal?: AbortSignal): Promise<ReplyOf<A>>;
  /** A problem to fix before the first request (local mode: no AWS credentials), checked when the chat opens. */
  preflight?(): Promise<SetupProblem | undefined>;
  dispose(): void;
}

export interface SetupProblem {
  code: FailureCode;
  message: string;
}

/** One of the protocol's closed set of codes: the chat banner has a fix for each. */
export type ConnectionErrorKind = FailureCode;

/** A failure the UI can act on: `kind` picks the fix it offers (sign in, configure, retry). */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    readonly kind: ConnectionErrorKind,
    message: string,
    options?: { cause?: unknown; status?: number; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.status = options?.status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
  readonly status: number | undefined;
  /** The response's `Retry-After`, in seconds (a spent daily budget: until the next UTC day). */
  readonly retryAfterSeconds: number | undefined;
  get retryable(): boolean {
    return isRetryable(this.kind);
  }
}

/** An error response as one of the closed codes: the body's code when known, else by status. */
export function errorKindForStatus(status: number, bodyCode?: string): ConnectionErrorKind {
  const known = FailureCode.safeParse(bodyCode);
  if (known.success) return known.data;
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'throttled';
  if (status === 503) return 'unavailable';
  if (status >= 400 && status < 500) return 'invalid_request';
  return 'internal';
}

/** Contract events from a response body; a stream that breaks (not one the caller aborted) is `unreachable`. */
export async function* eventsOf(
  body: AsyncIterable<Uint8Array>,
  signal: AbortSignal,
  from: string,
): AsyncGenerator<StreamEvent> {
  try {
    yield* readEventStream(body);
  } catch (error) {
    if (signal.aborted) return;
    throw new ConnectionError('unreachable', `The connection to the ${from} broke during the answer.`, {
      cause: error,
    });
  }
}
