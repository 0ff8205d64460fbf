/**
 * Backend configuration from the environment (CONTRACT.md, "Backend configuration"). Parsed once at
 * start-up; a bad value stops the host with a message naming the variable.
 */
import * as z from 'zod';
import { CloudEngineerError } from '../protocol';
import { DEFAULT_MODEL_ID } from './model-id';
import { McpServersJson } from './mcp/servers';
import { PROVIDER_IDS, PROVIDERS, providerName, type ProviderId } from './model/providers';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().optional(),
  AUTH_MODE: z.enum(['cognito', 'none']).default('cognito'),
  COGNITO_USER_POOL_ID: z.string().optional(),
  COGNITO_CLIENT_ID: z.string().optional(),
  COGNITO_ISSUER: z.url().optional(),
  COGNITO_JWKS_URI: z.url().optional(),
  MODEL_PROVIDER: z.enum(PROVIDER_IDS as [ProviderId, ...ProviderId[]]).default('bedrock'),
  /** Defaults per provider (model/registry.ts). */
  MODEL_ID: z.string().min(1).optional(),
  MODEL_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Local development only: the hosts that serve others refuse it (main.ts, lambda/handler.ts). */
  MODEL_API_KEY: z.string().min(1).optional(),
  MODEL_API_KEY_SECRET: z.string().min(1).optional(),
  CONTEXT_TOKENS: z.coerce.number().int().min(2000).max(10_000_000).optional(),
  USER_DAILY_TOKENS: z.coerce.number().int().min(0).default(0),
  ALLOWED_GROUPS: z.string().optional(),
  APPROVER_GROUPS: z.string().optional(),
  TOOLS_ROLE_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN')
    .optional(),
  AWS_REGION: z.string().optional(),
  AWS_DEFAULT_REGION: z.string().optional(),
  BEDROCK_REGION: z.string().optional(),
  BEDROCK_ENDPOINT: z.url().optional(),
  GUARDRAIL_ID: z.string().optional(),
  GUARDRAIL_VERSION: z.string().optional(),
  GUARDRAIL_STREAM_MODE: z.enum(['sync', 'async']).default('sync'),
  MEMORY_STORE: z.enum(['file', 'dynamodb', 'agentcore']).default('file'),
  MEMORY_DIR: z.string().default('./.data/memory'),
  MEMORY_TABLE: z.string().optional(),
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** An AgentCore Memory id or ARN (the service's pattern), for MEMORY_STORE=agentcore. */
  MEMORY_ID: z
    .string()
    .regex(
      /^(arn:(aws|aws-cn|aws-us-gov):bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:memory\/)?[a-zA-Z][a-zA-Z0-9_-]{0,99}-[a-zA-Z0-9]{10}$/,
      'must be an AgentCore Memory id (name-0123456789) or its ARN',
    )
    .optional(),
  MEMORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  TOOLS_MODE: z.enum(['read-only', 'approve-writes']).default('approve-writes'),
  /** MCP servers whose tools the model is offered (mcp/servers.ts). */
  MCP_SERVERS: McpServersJson.optional(),
  MAX_ITERATIONS: z.coerce.number().int().min(1).max(50).default(10),
  MAX_STREAMS_PER_ACTOR: z.coerce.number().int().min(1).max(100).default(4),
  MAX_SESSION_TURNS: z.coerce.number().int().min(4).max(100_000).default(1000),
  SSE_KEEPALIVE_MS: z.coerce.number().int().min(10).max(15_000).default(10_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(5000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  METRICS: z.enum(['emf', 'off']).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('cloud-engineer'),
});

export { DEFAULT_MODEL_ID };

export type BackendConfig = ReturnType<typeof loadConfig>;

/** The host cannot start as configured. Met at start-up; a request that met one would get a 500. */
export class ConfigError extends CloudEngineerError {
  override readonly name = 'ConfigError';
  readonly code = 'internal';
}

export function loadConfig(
  env: Record<string, string | undefined>,
  defaults: { host: string } = { host: '127.0.0.1' },
) {
  // Empty strings mean "unset", as shells and container definitions often pass them.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  const region = e.AWS_REGION ?? e.AWS_DEFAULT_REGION ?? 'us-east-1';
  const config = {
    port: e.PORT,
    host: e.HOST ?? defaults.host,
    auth:
      e.AUTH_MODE === 'none'
        ? ({ mode: 'none' } as const)
        : ({
            mode: 'cognito',
            userPoolId: required(e.COGNITO_USER_POOL_ID, 'COGNITO_USER_POOL_ID'),
            clientId: required(e.COGNITO_CLIENT_ID, 'COGNITO_CLIENT_ID'),
            issuer: e.COGNITO_ISSUER,
            jwksUri: e.COGNITO_JWKS_URI,
          } as const),
    modelId: modelIdFor(e.MODEL_PROVIDER, e.MODEL_ID, e.MODEL_BASE_URL),
    ...checkedKey(e.MODEL_PROVIDER, e.MODEL_BASE_URL, e.MODEL_API_KEY, e.MODEL_API_KEY_SECRET),
    model: {
      provider: e.MODEL_PROVIDER,
      baseUrl: e.MODEL_BASE_URL,
      apiKey: e.MODEL_API_KEY,
      apiKeySecret: e.MODEL_API_KEY_SECRET,
      contextTokens: e.CONTEXT_TOKENS,
    },
    userDailyTokens: e.USER_DAILY_TOKENS,
    groups: { allowed: groupList(e.ALLOWED_GROUPS), approvers: groupList(e.APPROVER_GROUPS) },
    toolsRoleArn: e.TOOLS_ROLE_ARN,
    region,
    bedrock: { region: e.BEDROCK_REGION ?? region, endpoint: e.BEDROCK_ENDPOINT },
    guardrail:
      e.GUARDRAIL_ID !== undefined
        ? {
            identifier: e.GUARDRAIL_ID,
            version: e.GUARDRAIL_VERSION ?? 'DRAFT',
            streamProcessingMode: e.GUARDRAIL_STREAM_MODE,
          }
        : undefined,
    memory: {
      store: e.MEMORY_STORE,
      dir: e.MEMORY_DIR,
      table: e.MEMORY_TABLE,
      dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
      memoryId: e.MEMORY_ID,
      retentionDays: e.MEMORY_RETENTION_DAYS,
    },
    toolsMode: e.TOOLS_MODE,
    mcpServers: e.MCP_SERVERS ?? [],
    maxIterations: e.MAX_ITERATIONS,
    maxStreamsPerActor: e.MAX_STREAMS_PER_ACTOR,
    maxSessionTurns: e.MAX_SESSION_TURNS,
    keepaliveMs: e.SSE_KEEPALIVE_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    logLevel: e.LOG_LEVEL,
    telemetry: {
      // EMF lines are for CloudWatch Logs: on by default where stdout is a log stream (Lambda).
      metrics: e.METRICS ?? (present.AWS_LAMBDA_FUNCTION_NAME ? 'emf' : 'off'),
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: e.OTEL_SERVICE_NAME,
    },
  };
  return config;
}

function modelIdFor(provider: ProviderId, modelId: string | undefined, baseUrl: string | undefined): string {
  const id = modelId ?? PROVIDERS[provider].defaultModelId(baseUrl);
  if (!id)
    throw new ConfigError(
      `MODEL_ID is required with MODEL_PROVIDER=${provider} and MODEL_BASE_URL: name a model the server at ${baseUrl} serves`,
    );
  return id;
}

/** Fails at start, not on the first chat, when the provider needs a key and none is configured. */
function checkedKey(provider: ProviderId, baseUrl?: string, key?: string, secret?: string): object {
  if (PROVIDERS[provider].needsKey(baseUrl) && !key && !secret)
    throw new ConfigError(missingKeyMessage(provider));
  return {};
}

/**
 * Hosts that serve other people (the container, Lambda) take the key from Secrets Manager only: a
 * plain variable shows in the console, in `describe` calls and in crash dumps.
 */
export function refuseInlineKey(config: BackendConfig, host: string): void {
  if (config.model.apiKey)
    throw new ConfigError(
      `MODEL_API_KEY is for local development only and is refused on ${host}: put the key in Secrets Manager and set MODEL_API_KEY_SECRET`,
    );
}

/** `a, b ,,c` → ['a', 'b', 'c']; unset or blank: undefined (no rule). Names are exact, case included. */
function groupList(value: string | undefined): string[] | undefined {
  const names = value
    ?.split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  return names?.length ? names : undefined;
}

/** The provider needs a key and none is configured: say where to put it. */
export function missingKeyMessage(provider: ProviderId): string {
  return `MODEL_PROVIDER=${provider} needs an API key for ${providerName(provider)}: set MODEL_API_KEY_SECRET (a Secrets Manager secret) or, for local development, MODEL_API_KEY`;
}

function required(value: string | undefined, name: string): string {
  if (!value)
    throw new ConfigError(
      `${name} is required when AUTH_MODE=cognito (or set AUTH_MODE=none on a loopback bind)`,
    );
  return value;
}
