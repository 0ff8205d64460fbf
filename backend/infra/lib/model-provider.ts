/**
 * The model the agent calls, as both hosts read it: MODEL_PROVIDER and friends, the Bedrock ARNs
 * the invoke policy names (Bedrock only) and the Secrets Manager secret holding another provider's
 * key. The key itself never enters the template: the host reads the secret at start.
 */
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { InfraConfig } from './config';
import { modelArns, type ModelArns } from './model-arns';

export interface ModelSetup {
  environment: Record<string, string>;
  /** Bedrock only: what `bedrock:InvokeModel*` may name. */
  bedrock?: ModelArns;
  /** The key's secret, when the provider takes one. */
  secret?: secretsmanager.ISecret;
}

/** A complete secret ARN ends in `-` and the six characters Secrets Manager appends. */
const COMPLETE_ARN = /:secret:.+-[A-Za-z0-9]{6}$/;

/**
 * A secret by name or ARN. By name (or partial ARN) the grant names `<name>-??????`, the
 * suffix Secrets Manager adds, so the policy matches that one secret and no other.
 */
export function importSecret(scope: Construct, id: string, ref: string): secretsmanager.ISecret {
  if (!ref.startsWith('arn:')) return secretsmanager.Secret.fromSecretNameV2(scope, id, ref);
  return COMPLETE_ARN.test(ref)
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, ref)
    : secretsmanager.Secret.fromSecretPartialArn(scope, id, ref);
}

export function modelSetup(scope: Construct, config: InfraConfig): ModelSetup {
  const environment: Record<string, string> = { MODEL_PROVIDER: config.modelProvider };
  if (config.modelId) environment.MODEL_ID = config.modelId;
  if (config.modelBaseUrl) environment.MODEL_BASE_URL = config.modelBaseUrl;
  if (config.contextTokens !== undefined) environment.CONTEXT_TOKENS = String(config.contextTokens);
  if (config.userDailyTokens !== undefined) environment.USER_DAILY_TOKENS = String(config.userDailyTokens);
  let secret: secretsmanager.ISecret | undefined;
  if (config.modelApiKeySecret) {
    secret = importSecret(scope, 'ModelApiKey', config.modelApiKeySecret);
    // As given: GetSecretValue takes a name or an ARN.
    environment.MODEL_API_KEY_SECRET = config.modelApiKeySecret;
  }
  const bedrock =
    config.modelProvider === 'bedrock' ? modelArns(config.modelId!, config.modelRegions) : undefined;
  return { environment, ...(bedrock ? { bedrock } : {}), ...(secret ? { secret } : {}) };
}
