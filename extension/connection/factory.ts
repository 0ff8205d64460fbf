/** Settings to a connection. No `vscode` here: the rules are unit-tested. */
import { loadAws } from '../aws/load';
import type { Settings } from '../common/settings';
import type { ModelProvider } from '../model/catalog';
import {
  AgentCoreSigV4Connection,
  createAgentCoreBearerConnection,
  parseRuntimeArn,
} from './agentcore-connection';
import { HttpConnection } from './http-connection';
import { LocalConnection } from './local-connection';
import { ConnectionError, type AgentConnection } from './types';

export interface ConnectionDeps {
  storageDir: string;
  /** The signed-in user's access token, when a Cognito pool is configured. */
  token: () => Promise<string | undefined>;
  /** Local mode: the provider's API key from SecretStorage (never a setting). */
  modelApiKey?: (provider: ModelProvider) => Promise<string | undefined>;
  log?: (message: string) => void;
}

export function createConnection(settings: Settings, deps: ConnectionDeps): AgentConnection {
  const cognito = Boolean(settings.userPoolId && settings.clientId);
  const modelApiKey = deps.modelApiKey;
  switch (settings.mode) {
    case 'local':
      return new LocalConnection({
        storageDir: deps.storageDir,
        ...(settings.profile ? { profile: settings.profile } : {}),
        ...(settings.region ? { region: settings.region } : {}),
        ...(settings.modelId ? { modelId: settings.modelId } : {}),
        provider: settings.modelProvider ?? 'bedrock',
        ...(settings.modelBaseUrl ? { baseUrl: settings.modelBaseUrl } : {}),
        ...(modelApiKey ? { apiKey: () => modelApiKey(settings.modelProvider ?? 'bedrock') } : {}),
        toolsMode: settings.toolsMode,
        ...(settings.bedrockEndpoint ? { bedrockEndpoint: settings.bedrockEndpoint } : {}),
        ...(settings.mcpServers?.length ? { mcpServers: settings.mcpServers } : {}),
        ...(settings.awsKnowledge ? { awsKnowledge: true } : {}),
        ...(deps.log ? { log: deps.log } : {}),
      });
    case 'http':
      if (!settings.url)
        throw new ConnectionError(
          'not_configured',
          'Set cloudEngineer.backend.url to the backend to use (http mode).',
        );
      return new HttpConnection({ url: settings.url, ...(cognito ? { token: deps.token } : {}) });
    case 'agentcore': {
      if (!settings.runtimeArn)
        throw new ConnectionError(
          'not_configured',
          'Set cloudEngineer.agentcore.runtimeArn to the AgentCore runtime to use.',
        );
      const runtime = parseRuntimeArn(settings.runtimeArn);
      const options = settings.agentcoreEndpoint ? { endpoint: settings.agentcoreEndpoint } : {};
      if (cognito) return createAgentCoreBearerConnection(runtime, deps.token, options);
      return new AgentCoreSigV4Connection(
        runtime,
        async () => {
          const { fromNodeProviderChain } = await loadAws();
          return fromNodeProviderChain(settings.profile ? { profile: settings.profile } : {})();
        },
        options,
      );
    }
    default:
      throw new ConnectionError(
        'not_configured',
        `Unknown cloudEngineer.backend.mode "${String(settings.mode)}".`,
      );
  }
}
