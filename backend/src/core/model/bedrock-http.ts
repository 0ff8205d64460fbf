/**
 * How the Bedrock Runtime clients (ConverseStream, ApplyGuardrail) reach Bedrock: HTTP/1.1 on
 * kept-alive connections, one pool for the process. The client's default, HTTP/2, opens a new
 * connection, and so a new TLS handshake, for every ConverseStream call (the SDK isolates each
 * event stream in a session of its own) and for every other call (the client turns concurrent
 * streams off). ConverseStream's answer is a response-only event stream, which Bedrock serves over
 * HTTP/1.1 as a chunked body.
 */
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { BedrockRuntimeClient, BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * Connections open to one endpoint at most. A model call holds its connection for the whole
 * answer, so a small pool would queue one user's call behind another's answer; Bedrock's request
 * quotas are reached long before this.
 */
export const MAX_SOCKETS = 256;
/**
 * An idle connection is closed after this long (sooner when the server's `Keep-Alive` header
 * says it closes sooner), so a call seldom starts on a connection the server is closing.
 */
const IDLE_MS = 30_000;
/** Connecting longer than this fails the call (the agent loop retries it). */
const CONNECT_MS = 10_000;
/** A call that receives nothing for this long fails: the HTTP/2 default's idle-session timeout. */
const SILENT_MS = 300_000;

let agents: Promise<{ httpAgent: HttpAgent; httpsAgent: HttpsAgent }> | undefined;

export interface BedrockRuntime {
  sdk: typeof import('@aws-sdk/client-bedrock-runtime');
  client: BedrockRuntimeClient;
}

/**
 * The Bedrock Runtime SDK and a client on the process's pool, loaded on the first call of the
 * returned function (the SDK stays out of start-up). `config`: what this client sets apart.
 */
export function bedrockRuntime(
  where: { region: string; endpoint?: string; credentials?: AwsCredentialIdentityProvider },
  config: Pick<BedrockRuntimeClientConfig, 'maxAttempts'> = {},
): () => Promise<BedrockRuntime> {
  let loaded: Promise<BedrockRuntime> | undefined;
  return () =>
    (loaded ??= Promise.all([import('@aws-sdk/client-bedrock-runtime'), bedrockRequestHandler()]).then(
      ([sdk, requestHandler]) => ({
        sdk,
        client: new sdk.BedrockRuntimeClient({
          region: where.region,
          ...(where.endpoint ? { endpoint: where.endpoint } : {}),
          ...(where.credentials ? { credentials: where.credentials } : {}),
          ...config,
          requestHandler,
        }),
      }),
    ));
}

/** A request handler for one Bedrock Runtime client; every client's share the process's pool. */
export async function bedrockRequestHandler(): Promise<NodeHttpHandler> {
  const [{ NodeHttpHandler }, pool] = await Promise.all([
    import('@smithy/node-http-handler'),
    (agents ??= Promise.all([import('node:http'), import('node:https')]).then(([http, https]) => {
      const options = { keepAlive: true, maxSockets: MAX_SOCKETS, timeout: IDLE_MS };
      return { httpAgent: new http.Agent(options), httpsAgent: new https.Agent(options) };
    })),
  ]);
  return new NodeHttpHandler({ ...pool, connectionTimeout: CONNECT_MS, socketTimeout: SILENT_MS });
}
