/**
 * What the chat view, the task command and the sessions tree talk to. Three implementations
 * (local, http, agentcore); none of them imports `vscode`, so they are unit-tested in plain Node.
 */
import {
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
  dispose(): void;
}

export type ConnectionErrorKind =
  | 'unauthorized'
  | 'not_configured'
  | 'unreachable'
  | 'not_found'
  | 'invalid_request'
  | 'throttled'
  | 'server';

/** A failure the UI can act on: `kind` picks the fix it offers (sign in, configure, retry). */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    readonly kind: ConnectionErrorKind,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options);
    this.status = options?.status;
  }
  readonly status: number | undefined;
  get retryable(): boolean {
    return this.kind === 'unreachable' || this.kind === 'throttled' || this.kind === 'server';
  }
}

/** The contract's error codes, mapped to what the client can do about them. */
export function errorKindForStatus(status: number): ConnectionErrorKind {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 429) return 'throttled';
  if (status >= 400 && status < 500) return 'invalid_request';
  return 'server';
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
