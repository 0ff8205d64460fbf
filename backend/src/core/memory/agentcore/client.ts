/**
 * The AgentCore Memory client, made on first use (the SDK is imported only then), and how failures
 * of the services behind the `agentcore` store reach callers.
 */
import type { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import { ServiceError, ThrottledError, UnavailableError } from '../../errors';

export async function createAgentCoreClient(options: {
  region: string;
  agentCoreEndpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}): Promise<BedrockAgentCoreClient> {
  const { BedrockAgentCoreClient } = await import('@aws-sdk/client-bedrock-agentcore');
  return new BedrockAgentCoreClient({
    region: options.region,
    // No `endpoint` key unless one is given, so the SDK's AWS_ENDPOINT_URL_BEDROCK_AGENTCORE applies.
    ...(options.agentCoreEndpoint ? { endpoint: options.agentCoreEndpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}

/** A value made once, on first use; a failed attempt is forgotten so the next call tries again. */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    made.catch(() => (made = undefined));
    return made;
  };
}

/**
 * The store's own errors pass; anything from the services becomes a 503 (throttling a 429), with
 * the cause kept for the logs and nothing of it in the message.
 */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ServiceError) throw e;
    const name = (e as { name?: string })?.name ?? '';
    if (/Throttl|TooManyRequests|ProvisionedThroughputExceeded|RequestLimitExceeded/.test(name))
      throw new ThrottledError('conversation memory is busy; try again', { cause: e });
    throw new UnavailableError('conversation memory is unavailable', { cause: e });
  }
}
