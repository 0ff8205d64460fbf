/**
 * The AWS half of the extension: the agent core and the AWS SDK clients. Built as its own bundle
 * (dist/aws.js) and required on first use through `loadAws()`, so activation neither parses nor
 * runs any of it.
 */
export { createBackend } from '../../backend/src/core/bootstrap';
export { loadConfig } from '../../backend/src/core/config';
export { createLogger } from '../../backend/src/core/log';
export { LOCAL_ACTOR } from '../../backend/src/core/auth/authenticator';
// Select Model… lists through the adapters the agent uses (their SDKs load on the first listing).
export { createModel } from '../../backend/src/core/model/providers';
export { scrubbed } from '../../backend/src/core/model/errors';
export { fromNodeProviderChain } from '@aws-sdk/credential-providers';
export { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
export { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
export { EC2Client, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
export {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
export {
  BedrockAgentCoreClient,
  InvokeAgentRuntimeCommand,
  type InvokeAgentRuntimeCommandOutput,
} from '@aws-sdk/client-bedrock-agentcore';
