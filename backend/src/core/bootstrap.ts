/** Wires a backend from configuration: the production defaults for every edge. */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { DEFAULT_MAX_TOKENS } from './agent/loop';
import { createCognitoAuthenticator, noAuth, type Authenticator } from './auth/authenticator';
import { cognitoUserNames, poolRegion } from './auth/user-names';
import { defaultContextTokens } from './chat/context-window';
import { newSessionId } from './chat/prepare';
import { ConfigError, type BackendConfig } from './config';
import { createBedrockToolGuard } from './guardrails/bedrock-guardrail';
import { createBedrockTextGuard } from './guardrails/text-guard';
import type { Backend } from './invocation';
import type { Logger } from './log';
import { AgentCoreMemoryStore } from './memory/agentcore/store';
import { DynamoMemoryStore } from './memory/dynamodb/store';
import { FileMemoryStore } from './memory/file-store';
import type { MemoryStore } from './memory/types';
import { fixedKey, noKey, type ApiKeySource } from './model/options';
import { createModel } from './model/providers';
import { secretKey } from './model/secret-key';
import type { Model } from './model/types';
import { SYSTEM_PROMPT } from './prompts/system';
import { AgentService } from './service';
import { createTelemetry } from './telemetry/telemetry';
import { TASKS } from './tasks/catalog';
import { createToolCredentials } from './tools/assumed-role';
import { ALL_TOOLS, ToolRegistry } from './tools/registry';
import { recallPastConversations } from './tools/recall/tool';
import { McpToolSource } from './mcp/source';

export interface BackendOverrides {
  model?: Model;
  memory?: MemoryStore;
  auth?: Authenticator;
  /** For the model, the tools and the guardrail; absent means the SDK's default chain. */
  credentials?: AwsCredentialIdentityProvider;
  /** The clock (the daily token budget's day); absent means the system's. */
  now?: () => Date;
}

export function createBackend(config: BackendConfig, log: Logger, overrides: BackendOverrides = {}): Backend {
  const aws = overrides.credentials ? { credentials: overrides.credentials } : {};
  const bedrock = {
    region: config.bedrock.region,
    ...(config.bedrock.endpoint ? { endpoint: config.bedrock.endpoint } : {}),
    ...aws,
  };
  const memory = overrides.memory ?? createMemory(config, log);
  const tools = new ToolRegistry([...ALL_TOOLS, recallPastConversations(memory)], config.toolsMode);
  const { provider } = config.model;
  const guardrail = config.guardrail;
  // Converse applies a Bedrock guardrail itself; any other provider's input and output go through
  // ApplyGuardrail (a guardrail works without a Bedrock model).
  const model =
    overrides.model ??
    createModel(provider, {
      modelId: config.modelId,
      ...(config.model.baseUrl ? { baseUrl: config.model.baseUrl } : {}),
      apiKey: apiKeySource(config, log, aws.credentials),
      ...bedrock,
      ...(guardrail && provider === 'bedrock' ? { guardrail } : {}),
    });
  const service = new AgentService({
    memory,
    model,
    ...aws,
    systemPrompt: SYSTEM_PROMPT,
    tools,
    ...(config.mcpServers.length ? { toolSource: new McpToolSource(tools, config.mcpServers, log) } : {}),
    tasks: TASKS,
    region: config.region,
    maxIterations: config.maxIterations,
    maxStreamsPerActor: config.maxStreamsPerActor,
    maxSessionTurns: config.maxSessionTurns,
    contextTokens: config.model.contextTokens ?? defaultContextTokens(model.modelId, DEFAULT_MAX_TOKENS),
    userDailyTokens: config.userDailyTokens,
    groups: config.groups,
    ...(config.toolsRoleArn
      ? {
          toolCredentials: createToolCredentials({
            roleArn: config.toolsRoleArn,
            region: config.region,
            ...aws,
          }),
        }
      : {}),
    ...(guardrail
      ? {
          bedrockToolGuard: createBedrockToolGuard({
            identifier: guardrail.identifier,
            version: guardrail.version,
            ...bedrock,
            onError: (error, toolName) =>
              log.warn('ApplyGuardrail failed; the tool result was withheld', { toolName, error }),
          }),
          ...(provider !== 'bedrock'
            ? {
                textGuard: createBedrockTextGuard({
                  identifier: guardrail.identifier,
                  version: guardrail.version,
                  ...bedrock,
                }),
              }
            : {}),
        }
      : {}),
    telemetry: createTelemetry({
      metrics: config.telemetry.metrics,
      ...(config.telemetry.otlpEndpoint ? { otlpEndpoint: config.telemetry.otlpEndpoint } : {}),
      serviceName: config.telemetry.serviceName,
      isKnownTool: (name) => ALL_TOOLS.some((t) => t.name === name),
      onError: (error) => log.warn('telemetry export failed', { error }),
    }),
    log,
    now: overrides.now ?? (() => new Date()),
    newId: newSessionId,
  });
  const auth =
    overrides.auth ??
    (config.auth.mode === 'none'
      ? noAuth
      : createCognitoAuthenticator({
          userPoolId: config.auth.userPoolId,
          clientId: config.auth.clientId,
          ...(config.auth.issuer ? { issuer: config.auth.issuer } : {}),
          ...(config.auth.jwksUri ? { jwksUri: config.auth.jwksUri } : {}),
          userNames: cognitoUserNames({
            userPoolId: config.auth.userPoolId,
            region: poolRegion(config.auth.userPoolId) ?? config.region,
            // A pool's API lives at its issuer's origin (Cognito's and an emulator's alike).
            ...(config.auth.issuer ? { endpoint: new URL(config.auth.issuer).origin } : {}),
            ...aws,
            onError: (error) => log.warn('AdminGetUser failed; the token username is recorded', { error }),
          }),
        }));
  return { service, auth };
}

/** The key as configured: a Secrets Manager secret (deployed), a plain value (local), or none. */
function apiKeySource(
  config: BackendConfig,
  log: Logger,
  credentials?: AwsCredentialIdentityProvider,
): ApiKeySource {
  if (config.model.apiKeySecret) {
    const key = secretKey({
      secretId: config.model.apiKeySecret,
      region: config.region,
      ...(credentials ? { credentials } : {}),
    });
    // Read at start, so a missing grant or secret shows in the log before the first chat does.
    key
      .get()
      .catch((error: Error) => log.error('could not read the model API key', { reason: error.message }));
    return key;
  }
  return config.model.apiKey ? fixedKey(config.model.apiKey) : noKey;
}

function createMemory(config: BackendConfig, log: Logger): MemoryStore {
  switch (config.memory.store) {
    case 'file':
      return new FileMemoryStore(config.memory.dir, (message) => log.warn(message));
    case 'dynamodb':
      if (!config.memory.table) throw new ConfigError('MEMORY_TABLE is required when MEMORY_STORE=dynamodb');
      return new DynamoMemoryStore({
        table: config.memory.table,
        region: config.region,
        retentionDays: config.memory.retentionDays,
        // An emulator's endpoint: only then may the store create a missing table (never on AWS).
        ...(config.memory.dynamodbEndpoint
          ? { endpoint: config.memory.dynamodbEndpoint, createTable: true }
          : {}),
      });
    case 'agentcore':
      if (!config.memory.memoryId) throw new ConfigError('MEMORY_ID is required when MEMORY_STORE=agentcore');
      if (!config.memory.table)
        throw new ConfigError('MEMORY_TABLE (the session index) is required when MEMORY_STORE=agentcore');
      // No Memory endpoint here: the SDK's own AWS_ENDPOINT_URL_BEDROCK_AGENTCORE applies.
      return new AgentCoreMemoryStore({
        memoryId: config.memory.memoryId,
        table: config.memory.table,
        region: config.region,
        retentionDays: config.memory.retentionDays,
        ...(config.memory.dynamodbEndpoint ? { dynamodbEndpoint: config.memory.dynamodbEndpoint } : {}),
      });
  }
}
