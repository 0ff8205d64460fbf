/**
 * A deployed AgentCore Runtime. With a Cognito pool configured, the contract goes over HTTPS to
 * the runtime's invocation URL with a bearer token; without one, through `InvokeAgentRuntime`
 * signed with the user's AWS credentials (SigV4). Each conversation keeps one runtime session id
 * (33+ characters), so its turns reach the same microVM.
 */
import { randomUUID } from 'node:crypto';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import {
  ErrorBody,
  type ChatRequest,
  type ReplyOf,
  type RequestOf,
  type StreamEvent,
} from '../../backend/src/protocol';
import { loadAws } from '../aws/load';
import { HttpConnection } from './http-connection';
import {
  ConnectionError,
  errorKindForStatus,
  eventsOf,
  type AgentConnection,
  type JsonAction,
} from './types';
import { replyOf } from './reply';

export interface RuntimeArn {
  arn: string;
  region: string;
}

export function parseRuntimeArn(arn: string): RuntimeArn {
  const match = /^arn:aws[a-z-]*:bedrock-agentcore:([a-z0-9-]+):\d{12}:runtime\/[A-Za-z0-9_-]+$/.exec(
    arn.trim(),
  );
  if (!match)
    throw new ConnectionError(
      'not_configured',
      'cloudEngineer.agentcore.runtimeArn is not an AgentCore runtime ARN (arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id>).',
    );
  return { arn: arn.trim(), region: match[1]! };
}

/**
 * AgentCore routes a request to a microVM by its runtime session id (33..256 characters). Every
 * turn of a conversation, the first included, carries the id derived from the conversation's
 * `sessionId`: one microVM and one cold start per conversation. The prefix is 32 characters, so
 * any valid `sessionId` (1..100 characters) gives a valid runtime id, and distinct conversations
 * give distinct ids. Requests outside a conversation (lists, whoami) share one id per connection.
 */
const CONVERSATION_PREFIX = 'cloud-engineer-runtime-session--';

export function runtimeSessionId(sessionId: string | undefined, fresh: () => string = randomUUID): string {
  return sessionId ? `${CONVERSATION_PREFIX}${sessionId}` : `cloud-engineer-control-${fresh()}`;
}

/**
 * A chat without a `sessionId` starts a conversation: the client picks its id up front and says
 * `newSession: true` (CONTRACT.md), so the first turn already goes to the conversation's microVM.
 */
export function pinConversation(
  request: Omit<ChatRequest, 'action'>,
  fresh: () => string = randomUUID,
): Omit<ChatRequest, 'action'> & { sessionId: string; newSession?: boolean } {
  if (request.sessionId) return { ...request, sessionId: request.sessionId };
  return { ...request, sessionId: fresh(), newSession: true };
}

/** The data plane's address; `endpoint` replaces it for a local stand-in (testing only). */
export function invocationUrlFor(runtime: RuntimeArn, endpoint?: string): string {
  const base = endpoint?.replace(/\/+$/, '') || `https://bedrock-agentcore.${runtime.region}.amazonaws.com`;
  return `${base}/runtimes/${encodeURIComponent(runtime.arn)}/invocations?qualifier=DEFAULT`;
}

export interface AgentCoreOptions {
  /** `cloudEngineer.agentcore.endpoint`: a data-plane stand-in instead of AWS (testing only). */
  endpoint?: string;
  /** Conversation and control ids; random UUIDs unless a test pins them. */
  fresh?: () => string;
  /** The bearer path's fetch (unit tests). */
  fetch?: typeof fetch;
}

/** Bearer: the Cognito access token over HTTPS; the runtime's JWT authorizer checks it, then the container. */
export class AgentCoreBearerConnection implements AgentConnection {
  readonly mode = 'agentcore' as const;
  readonly label: string;
  private readonly http: HttpConnection;
  private readonly control: string;
  private readonly fresh: () => string;

  constructor(runtime: RuntimeArn, token: () => Promise<string | undefined>, options: AgentCoreOptions = {}) {
    this.fresh = options.fresh ?? randomUUID;
    this.control = runtimeSessionId(undefined, this.fresh);
    this.label = `AgentCore ${runtime.arn.split('/').pop()}`;
    this.http = new HttpConnection({
      url: invocationUrlFor(runtime, options.endpoint),
      token,
      mode: 'agentcore',
      label: this.label,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      headers: ({ sessionId }) => ({
        'x-amzn-bedrock-agentcore-runtime-session-id': sessionId ? runtimeSessionId(sessionId) : this.control,
      }),
    });
  }

  chat(request: Omit<ChatRequest, 'action'>, signal: AbortSignal): AsyncIterable<StreamEvent> {
    return this.http.chat(pinConversation(request, this.fresh), signal);
  }

  invoke<A extends JsonAction>(request: RequestOf<A>, signal?: AbortSignal): Promise<ReplyOf<A>> {
    return this.http.invoke(request, signal);
  }

  dispose(): void {
    this.http.dispose();
  }
}

export function createAgentCoreBearerConnection(
  runtime: RuntimeArn,
  token: () => Promise<string | undefined>,
  options: AgentCoreOptions = {},
): AgentConnection {
  return new AgentCoreBearerConnection(runtime, token, options);
}

/** SigV4: `InvokeAgentRuntime` with the user's AWS credentials (a runtime without a JWT authorizer). */
export class AgentCoreSigV4Connection implements AgentConnection {
  readonly mode = 'agentcore' as const;
  readonly label: string;
  private readonly control: string;
  private readonly fresh: () => string;
  private client:
    | Promise<{
        sdk: Awaited<ReturnType<typeof loadAws>>;
        client: import('@aws-sdk/client-bedrock-agentcore').BedrockAgentCoreClient;
      }>
    | undefined;

  constructor(
    private readonly runtime: RuntimeArn,
    private readonly credentials: AwsCredentialIdentityProvider,
    private readonly options: AgentCoreOptions = {},
  ) {
    this.label = `AgentCore ${runtime.arn.split('/').pop()} (IAM)`;
    this.fresh = options.fresh ?? randomUUID;
    this.control = runtimeSessionId(undefined, this.fresh);
  }

  async *chat(request: Omit<ChatRequest, 'action'>, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const pinned = pinConversation(request, this.fresh);
    const body = await this.send({ action: 'chat', ...pinned }, signal, pinned.sessionId);
    yield* eventsOf(body, signal, 'runtime');
  }

  async invoke<A extends JsonAction>(request: RequestOf<A>, signal?: AbortSignal): Promise<ReplyOf<A>> {
    const body = await this.send(request, signal, 'sessionId' in request ? request.sessionId : undefined);
    return replyOf((request as { action: A }).action, JSON.parse(await collect(body)), this.label);
  }

  dispose(): void {
    void this.client?.then(({ client }) => client.destroy());
  }

  private async send(
    payload: unknown,
    signal: AbortSignal | undefined,
    sessionId: string | undefined,
  ): Promise<AsyncIterable<Uint8Array>> {
    const { sdk, client } = await (this.client ??= loadAws().then((sdk) => ({
      sdk,
      client: new sdk.BedrockAgentCoreClient({
        region: this.runtime.region,
        credentials: this.credentials,
        ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
      }),
    })));
    let out: import('@aws-sdk/client-bedrock-agentcore').InvokeAgentRuntimeCommandOutput;
    try {
      out = await client.send(
        new sdk.InvokeAgentRuntimeCommand({
          agentRuntimeArn: this.runtime.arn,
          qualifier: 'DEFAULT',
          runtimeSessionId: sessionId ? runtimeSessionId(sessionId) : this.control,
          contentType: 'application/json',
          accept: 'application/json, text/event-stream',
          payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw sdkFailure(cause);
    }
    const body = out.response as unknown as AsyncIterable<Uint8Array>;
    const status = out.statusCode ?? 200;
    if (status >= 400) {
      const parsed = ErrorBody.safeParse(JSON.parse((await collect(body)) || '{}'));
      throw new ConnectionError(
        errorKindForStatus(status, parsed.success ? parsed.data.error.code : undefined),
        parsed.success ? parsed.data.error.message : `The runtime answered ${status}.`,
        { status },
      );
    }
    return body;
  }
}

/**
 * What the SDK threw, as a connection error. A contract error from the container comes back with
 * its HTTP status and the contract's message (the SDK keeps the parsed body's fields on the error).
 */
function sdkFailure(cause: unknown): ConnectionError {
  const error = cause as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    error?: unknown;
  };
  const name = error.name ?? '';
  if (
    name === 'AccessDeniedException' ||
    name === 'CredentialsProviderError' ||
    name === 'ExpiredTokenException' ||
    name === 'UnrecognizedClientException' ||
    name === 'InvalidSignatureException'
  ) {
    return new ConnectionError(
      'not_configured',
      `AWS refused InvokeAgentRuntime (${name}): check the AWS profile and its permissions.`,
      { cause },
    );
  }
  const status = error.$metadata?.httpStatusCode;
  if (status && status >= 400) {
    const contract = ErrorBody.safeParse({ error: error.error });
    const message = contract.success
      ? contract.data.error.message
      : `The runtime answered ${status} (${name}).`;
    return new ConnectionError(
      errorKindForStatus(status, contract.success ? contract.data.error.code : undefined),
      message,
      { cause, status },
    );
  }
  return new ConnectionError('unreachable', `InvokeAgentRuntime failed (${name || 'network error'}).`, {
    cause,
  });
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of body) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
