/**
 * The AgentCore Memory client, made on first use (the SDK is imported only then). How failures of
 * the services behind the `agentcore` store reach callers is ../store-errors.ts, as for every store.
 */
import type { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';

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
