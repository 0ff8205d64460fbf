/** Wires a backend from configuration: the production defaults for every edge. */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { createBedrockModel, type ModelClient } from './agent/model';
import { createCognitoAuthenticator, noAuth, type Authenticator } from './auth/authenticator';
import { newSessionId } from './chat';
import { ConfigError, type BackendConfig } from './config';
import { createBedrockToolGuard } from './guardrails/bedrock-guardrail';
import type { Backend } from './invocation';
import type { Logger } from './log';
import { FileMemoryStore } from './memory/file-store';
import type { MemoryStore } from './memory/types';
import { SYSTEM_PROMPT } from './prompts/system';
import { AgentService } from './service';
import { TASKS } from './tasks/catalog';
import { ALL_TOOLS, ToolRegistry } from './tools/registry';

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
  const service = new AgentService({
    memory: overrides.memory ?? createMemory(config, log),
    model: overrides.model ?? createBedrockModel(bedrock),
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
    modelId: config.modelId,
    systemPrompt: SYSTEM_PROMPT,
    tools: new ToolRegistry(ALL_TOOLS, config.toolsMode),
    tasks: TASKS,
    region: config.region,
    maxIterations: config.maxIterations,
    maxStreamsPerActor: config.maxStreamsPerActor,
    ...(config.guardrail
      ? {
          guardrail: config.guardrail,
          bedrockToolGuard: createBedrockToolGuard({
            identifier: config.guardrail.identifier,
            version: config.guardrail.version,
            ...bedrock,
          }),
        }
      : {}),
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
    case 'agentcore':
      throw new ConfigError(
        `MEMORY_STORE=${config.memory.store} is not available in this build yet; use MEMORY_STORE=file`,
      );
  }
}
