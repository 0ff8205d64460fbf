/**
 * The model edge. The agent loop sees only `ModelClient`, so tests and other hosts can swap the
 * transport; the Bedrock implementation loads the SDK on first use to keep hosts' start-up light.
 */
import type { ConverseStreamCommandInput, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

export type ModelRequest = ConverseStreamCommandInput;
export type ModelStreamEvent = ConverseStreamOutput;

export interface ModelClient {
  /** Starts one model call; the returned stream ends with the model's message or throws. */
  converseStream(request: ModelRequest, signal: AbortSignal): Promise<AsyncIterable<ModelStreamEvent>>;
}

export interface BedrockModelOptions {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentityProvider;
}

export function createBedrockModel(options: BedrockModelOptions): ModelClient {
  let client: Promise<import('@aws-sdk/client-bedrock-runtime').BedrockRuntimeClient> | undefined;
  const getClient = () =>
    (client ??= import('@aws-sdk/client-bedrock-runtime').then(
      ({ BedrockRuntimeClient }) =>
        new BedrockRuntimeClient({
          region: options.region,
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          ...(options.credentials ? { credentials: options.credentials } : {}),
          // The agent loop retries throttling itself, only before any output has streamed.
          maxAttempts: 1,
        }),
    ));
  return {
    async converseStream(request, signal) {
      const [sdk, bedrock] = await Promise.all([import('@aws-sdk/client-bedrock-runtime'), getClient()]);
      const response = await bedrock.send(new sdk.ConverseStreamCommand(request), { abortSignal: signal });
      if (!response.stream) throw new Error('Bedrock answered ConverseStream without a stream');
      return response.stream;
    },
  };
}
