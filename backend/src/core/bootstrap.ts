/** Wires a backend from configuration: the production defaults for every edge. */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { createBedrockModel, type ModelClient } from './agent/model';
import { createCognitoAuthenticator, noAuth, type Authenticator } from './auth/authenticator';
import { newSessionId } from './chat';
import { ConfigError, type BackendConfig } from './config';
import { createBedrockToolGuard } from './guardrails/bedrock-guardrail';
import type { Backend } from './invocation';
import type { Logger } from './log';
import { AgentCoreMemoryStore } from './memory/agentcore/store';
import { DynamoMemoryStore } from './memory/dynamodb/store';
import { FileMemoryStore } from './memory/file-store';
import type { MemoryStore } from './memory/types';
import { SYSTEM_PROMPT } from './prompts/system';
import { AgentService } from './service';
import { createTelemetry } from './telemetry/telemetry';
import { TASKS } from './tasks/catalog';
import { ALL_TOOLS, ToolRegistry } from './tools/registry';
import { recallPastConversations } from './tools/recall/tool';
import { McpToolSource } from './mcp/source';

export interface BackendOverrides {
  model?: ModelClient;
  memory?: MemoryStore;
  auth?: Authenticator;
  /** For the model, the tools and the guardrail; absent means the SDK's default chain. */
  credentials?: AwsCredentialIdentityProvider;
}

export function createBackend(config: BackendConfig, log: Logger, overrides: BackendOverrides = {}): Backend {
  const bedrock = {
    region: config.bedrock.region,
    ...(config.bedrock.endpoint ? { endpoint: config.bedrock.endpoint } : {}),
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
  };
  const memory = overrides.memory ?? createMemory(config, log);
  const tools = new ToolRegistry([...ALL_TOOLS, recallPastConversations(memory)], config.toolsMode);
  const service = new AgentService({
    memory,
    model: overrides.model ?? createBedrockModel(bedrock),
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
    modelId: config.modelId,
    systemPrompt: SYSTEM_PROMPT,
    tools,
    ...(config.mcpServers.length ? { toolSource: new McpToolSource(tools, config.mcpServers, log) } : {}),
    tasks: TASKS,
    region: config.region,
    maxIterations: config.maxIterations,
    maxStreamsPerActor: config.maxStreamsPerActor,
    maxSessionTurns: config.maxSessionTurns,
    ...(config.guardrail
      ? {
          guardrail: config.guardrail,
          bedrockToolGuard: createBedrockToolGuard({
            identifier: config.guardrail.identifier,
            version: config.guardrail.version,
            ...bedrock,
            onError: (error, toolName) =>
              log.warn('ApplyGuardrail failed; the tool result was withheld', { toolName, error }),
          }),
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
    now: () => new Date(),
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
        }));
  return { service, auth };
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
