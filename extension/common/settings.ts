/** Setting keys as constants, and one typed read of them. */
import * as vscode from 'vscode';
import { isModelProvider, type ModelProvider } from '../model/catalog';
import { strictestToolsMode, type ToolsMode } from './tools-mode';

export const SECTION = 'cloudEngineer';

export const SETTINGS = {
  mode: 'backend.mode',
  url: 'backend.url',
  runtimeArn: 'agentcore.runtimeArn',
  profile: 'aws.profile',
  region: 'aws.region',
  userPoolId: 'cognito.userPoolId',
  clientId: 'cognito.clientId',
  domain: 'cognito.domain',
  cognitoEndpoint: 'cognito.endpoint',
  identityProvider: 'cognito.identityProvider',
  modelId: 'model.id',
  modelProvider: 'model.provider',
  modelBaseUrl: 'model.baseUrl',
  toolsMode: 'tools.mode',
  bedrockEndpoint: 'local.bedrockEndpoint',
  agentcoreEndpoint: 'agentcore.endpoint',
  mcpServers: 'mcp.servers',
  awsKnowledge: 'mcp.awsKnowledge',
  usageModelId: 'usage.modelId',
  usagePrices: 'usage.prices',
} as const;

export type BackendMode = 'local' | 'agentcore' | 'http';

export interface Settings {
  mode: BackendMode;
  url: string;
  runtimeArn: string;
  profile: string;
  region: string;
  userPoolId: string;
  clientId: string;
  domain: string;
  cognitoEndpoint: string;
  /** The company identity provider the hosted UI goes straight to (`identity_provider`). */
  identityProvider?: string;
  modelId: string;
  /** Local mode: the model provider (the core's MODEL_PROVIDER). */
  modelProvider: ModelProvider;
  /** Local mode: the provider's endpoint (an OpenAI-compatible server's /v1); empty: the provider's own. */
  modelBaseUrl: string;
  toolsMode: ToolsMode;
  bedrockEndpoint: string;
  /** Testing only: an AgentCore data-plane stand-in instead of AWS. */
  agentcoreEndpoint?: string;
  /** Local mode: MCP servers as the user wrote them ({name, url, headers?}); the core checks them. */
  mcpServers?: unknown[];
  /** Local mode: the AWS Knowledge MCP server preset. */
  awsKnowledge?: boolean;
}

export function readSettings(config = vscode.workspace.getConfiguration(SECTION)): Settings {
  const get = (key: string) => (config.get<string>(key) ?? '').trim();
  return {
    mode: (get(SETTINGS.mode) || 'local') as BackendMode,
    url: get(SETTINGS.url),
    runtimeArn: get(SETTINGS.runtimeArn),
    profile: get(SETTINGS.profile),
    region: get(SETTINGS.region),
    userPoolId: get(SETTINGS.userPoolId),
    clientId: get(SETTINGS.clientId),
    domain: get(SETTINGS.domain),
    cognitoEndpoint: get(SETTINGS.cognitoEndpoint),
    identityProvider: get(SETTINGS.identityProvider),
    modelId: get(SETTINGS.modelId),
    modelProvider: isModelProvider(get(SETTINGS.modelProvider))
      ? (get(SETTINGS.modelProvider) as ModelProvider)
      : 'bedrock',
    modelBaseUrl: get(SETTINGS.modelBaseUrl),
    toolsMode: strictestToolsMode(config.inspect(SETTINGS.toolsMode)),
    bedrockEndpoint: get(SETTINGS.bedrockEndpoint),
    agentcoreEndpoint: get(SETTINGS.agentcoreEndpoint),
    mcpServers: config.get<unknown[]>(SETTINGS.mcpServers) ?? [],
    awsKnowledge: config.get<boolean>(SETTINGS.awsKnowledge) ?? true,
  };
}

/** Whether a change event touches any of our settings that shape the connection. */
export function affectsConnection(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(SECTION);
}
