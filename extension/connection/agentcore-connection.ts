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

/** The microVM is per conversation; a new chat gets a fresh one, the session id keeps it after. */
export function runtimeSessionId(sessionId: string | undefined, fresh: () => string = randomUUID): string {
  return sessionId ? `cloud-engineer-session-${sessionId}` : `cloud-engineer-new-${fresh()}`;
}

export function invocationUrlFor(runtime: RuntimeArn): string {
  return `https://bedrock-agentcore.${runtime.region}.amazonaws.com/runtimes/${encodeURIComponent(runtime.arn)}/invocations?qualifier=DEFAULT`;
}

export function createAgentCoreBearerConnection(
  runtime: RuntimeArn,
  token: () => Promise<string | undefined>,
): AgentConnection {
  return new HttpConnection({
    url: invocationUrlFor(runtime),
    token,
    mode: 'agentcore',
    label: `AgentCore ${runtime.arn.split('/').pop()}`,
    headers: ({ sessionId }) => ({
      'x-amzn-bedrock-agentcore-runtime-session-id': runtimeSessionId(sessionId),
    }),
  });
}

export class AgentCoreSigV4Connection implements AgentConnection {
  readonly mode = 'agentcore' as const;
  readonly label: string;
  private client:
    | Promise<{
        sdk: Awaited<ReturnType<typeof loadAws>>;
        client: import('@aws-sdk/client-bedrock-agentcore').BedrockAgentCoreClient;
      }>
    | undefined;

  constructor(
    private readonly runtime: RuntimeArn,
    private readonly credentials: AwsCredentialIdentityProvider,
  ) {
    this.label = `AgentCore ${runtime.arn.split('/').pop()} (IAM)`;
  }

  async *chat(request: Omit<ChatRequest, 'action'>, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const body = await this.send({ action: 'chat', ...request }, signal, request.sessionId);
    yield* eventsOf(body, signal, 'runtime');
  }

  async invoke<A extends JsonAction>(request: RequestOf<A>, signal?: AbortSignal): Promise<ReplyOf<A>> {
    const body = await this.send(request, signal, 'sessionId' in request ? request.sessionId : undefined);
    return JSON.parse(await collect(body)) as ReplyOf<A>;
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
      }),
    })));
    let out: import('@aws-sdk/client-bedrock-agentcore').InvokeAgentRuntimeCommandOutput;
    try {
      out = await client.send(
        new sdk.InvokeAgentRuntimeCommand({
          agentRuntimeArn: this.runtime.arn,
          qualifier: 'DEFAULT',
          runtimeSessionId: runtimeSessionId(sessionId),
          contentType: 'application/json',
          accept: 'application/json, text/event-stream',
          payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (cause) {
      if (signal?.aborted) throw cause;
      const name = (cause as { name?: string }).name ?? '';
      if (
        name === 'AccessDeniedException' ||
        name === 'CredentialsProviderError' ||
        name === 'ExpiredTokenException'
      ) {
        throw new ConnectionError(
          'not_configured',
          `AWS refused InvokeAgentRuntime (${name}): check the AWS profile and its permissions.`,
          { cause },
        );
      }
      throw new ConnectionError('unreachable', `InvokeAgentRuntime failed (${name || 'network error'}).`, {
        cause,
      });
    }
    const body = out.response as unknown as AsyncIterable<Uint8Array>;
    const status = out.statusCode ?? 200;
    if (status >= 400) {
      const parsed = ErrorBody.safeParse(JSON.parse((await collect(body)) || '{}'));
      throw new ConnectionError(
        errorKindForStatus(status),
        parsed.success ? parsed.data.error.message : `The runtime answered ${status}.`,
        { status },
      );
    }
    return body;
  }
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of body) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
