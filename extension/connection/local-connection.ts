/**
 * Local mode: the backend's agent core runs in the extension host with the user's own AWS
 * credentials (the profile setting, else the default chain: environment, SSO, profiles). Nothing
 * deployed. The core and the AWS SDK load on the first request, not at activation. The model is
 * Bedrock's, or another provider's (cloudEngineer.model.provider) with its key from SecretStorage.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import {
  FailureCode,
  type ChatRequest,
  type ReplyOf,
  type RequestOf,
  type StreamEvent,
} from '../../backend/src/protocol';
import type { AgentService } from '../../backend/src/core/service';
import { join } from 'node:path';
import { loadAws } from '../aws/load';
import {
  baseUrlProblem,
  isLoopbackUrl,
  keyProblem,
  needsKey,
  PROVIDER_INFO,
  type ModelProvider,
} from '../model/catalog';
import { ConnectionError, type AgentConnection, type JsonAction, type SetupProblem } from './types';
import { replyOf } from './reply';

export interface LocalConnectionOptions {
  /** Where conversations are kept: the extension's global storage. */
  storageDir: string;
  profile?: string;
  region?: string;
  modelId?: string;
  /** The model provider (MODEL_PROVIDER); bedrock when absent. */
  provider?: ModelProvider;
  /** The provider's endpoint (MODEL_BASE_URL): an OpenAI-compatible server, a proxy. */
  baseUrl?: string;
  /**
   * The provider's API key from SecretStorage (MODEL_API_KEY), read when the agent starts. Never
   * logged, never in an error.
   */
  apiKey?: () => Promise<string | undefined>;
  /** How long the preflight waits for a loopback server (Ollama) to answer. */
  probeTimeoutMs?: number;
  toolsMode?: 'read-only' | 'approve-writes';
  /** Tests only: a Bedrock endpoint to use instead of AWS. */
  bedrockEndpoint?: string;
  /** MCP servers from `cloudEngineer.mcp.servers`, checked by the core like MCP_SERVERS. */
  mcpServers?: unknown[];
  /** Adds the AWS Knowledge MCP server (`cloudEngineer.mcp.awsKnowledge`). */
  awsKnowledge?: boolean;
  /** Defaults to the SDK's node provider chain for `profile`. */
  credentials?: AwsCredentialIdentityProvider;
  log?: (message: string) => void;
}

export class LocalConnection implements AgentConnection {
  readonly mode = 'local' as const;
  readonly label: string;
  private service: Promise<AgentService> | undefined;

  constructor(private readonly options: LocalConnectionOptions) {
    this.label = `local${options.profile ? ` · ${options.profile}` : ''}`;
  }

  async *chat(request: Omit<ChatRequest, 'action'>, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const [service, actor] = await Promise.all([this.getService(), localActor()]);
    const result = await service.invoke(actor, { action: 'chat', ...request }, signal).catch(rethrow);
    if (result.kind !== 'stream') throw new ConnectionError('internal', 'chat did not answer with a stream');
    yield* result.events;
  }

  async invoke<A extends JsonAction>(request: RequestOf<A>, signal?: AbortSignal): Promise<ReplyOf<A>> {
    const [service, actor] = await Promise.all([this.getService(), localActor()]);
    const result = await abortable(service.invoke(actor, request, signal).catch(rethrow), signal);
    return replyOf((request as { action: A }).action, (result as { body: unknown }).body, this.label);
  }

  /**
   * What to fix before the first question: Bedrock's AWS credentials; another provider's key; a
   * server on this machine (Ollama) that does not answer. Other providers need no AWS credentials
   * to answer (the AWS tools still use them, and say so when they are missing).
   */
  async preflight(): Promise<SetupProblem | undefined> {
    const provider = this.options.provider ?? 'bedrock';
    if (provider !== 'bedrock') return this.providerPreflight(provider);
    try {
      const aws = await loadAws();
      const credentials =
        this.options.credentials ??
        aws.fromNodeProviderChain(this.options.profile ? { profile: this.options.profile } : {});
      await credentials();
      return undefined;
    } catch (error) {
      this.options.log?.(`local mode: no AWS credentials (${(error as Error).name})`);
      const where = this.options.profile
        ? `profile "${this.options.profile}"`
        : 'the default credential chain';
      return {
        code: 'aws_credentials',
        message: `No AWS credentials found for ${where}. Sign in to AWS (aws sso login, aws configure, or environment variables), or pick another profile with Configure Backend.`,
      };
    }
  }

  dispose(): void {}

  private async providerPreflight(provider: ModelProvider): Promise<SetupProblem | undefined> {
    const baseUrl = this.options.baseUrl ?? '';
    const urlProblem = baseUrlProblem(baseUrl);
    if (urlProblem) return { code: 'not_configured', message: urlProblem };
    if (needsKey(provider, baseUrl)) {
      const problem = await this.keyProblem(provider);
      if (problem) return { code: 'model_auth', message: problem.message };
      return undefined;
    }
    // A server on this machine: is it running, and does it serve the model?
    const models = await probeModels(baseUrl, this.options.probeTimeoutMs ?? 2500);
    if (models === 'down')
      return {
        code: 'unreachable',
        message: `Ollama (or the server at ${baseUrl}) is not running: start it with \`ollama serve\` (or start your server), then check again.`,
      };
    const modelId = this.options.modelId;
    if (!modelId)
      return {
        code: 'not_configured',
        message: `Pick the model the server at ${baseUrl} should use: run “Cloud Engineer: Select Model…”.`,
      };
    if (Array.isArray(models) && models.length && !models.includes(modelId))
      return {
        code: 'model_not_found',
        message: `The server at ${baseUrl} has no model “${modelId}”: pull it (\`ollama pull ${modelId}\`) or pick another with “Cloud Engineer: Select Model…”.`,
      };
    return undefined;
  }

  /** The key, checked; a ConnectionError to show when it is missing or malformed. */
  private async readKey(provider: ModelProvider): Promise<string | undefined> {
    const problem = await this.keyProblem(provider);
    if (problem) throw problem;
    return (await this.options.apiKey?.())?.trim() || undefined;
  }

  private async keyProblem(provider: ModelProvider): Promise<ConnectionError | undefined> {
    const baseUrl = this.options.baseUrl ?? '';
    let key: string | undefined;
    try {
      key = (await this.options.apiKey?.())?.trim() || undefined;
    } catch {
      key = undefined;
    }
    const name = PROVIDER_INFO[provider].name;
    if (!key && needsKey(provider, baseUrl))
      return new ConnectionError(
        'model_auth',
        `No ${name} API key: run “Cloud Engineer: Set Model API Key…” to add one (it is kept in the editor's secret storage).`,
      );
    if (key && keyProblem(key))
      return new ConnectionError(
        'model_auth',
        `The stored ${name} API key is malformed: set it again with “Cloud Engineer: Set Model API Key…”.`,
      );
    return undefined;
  }

  private getService(): Promise<AgentService> {
    const pending = (this.service ??= this.createService());
    // A failed start is not kept: the next request tries again (the key was set meanwhile).
    pending.catch(() => this.service === pending && (this.service = undefined));
    return pending;
  }

  private async createService(): Promise<AgentService> {
    const aws = await loadAws();
    const region =
      this.options.region ||
      (await profileRegion(this.options.profile)) ||
      process.env.AWS_REGION ||
      process.env.AWS_DEFAULT_REGION ||
      'us-east-1';
    const provider = this.options.provider ?? 'bedrock';
    const baseUrl = this.options.baseUrl || undefined;
    const urlProblem = baseUrlProblem(baseUrl ?? '');
    if (urlProblem) throw new ConnectionError('not_configured', urlProblem);
    if (provider === 'openai' && baseUrl && !this.options.modelId)
      throw new ConnectionError(
        'not_configured',
        `Pick the model the server at ${baseUrl} should use: run “Cloud Engineer: Select Model…”.`,
      );
    const apiKey = provider === 'bedrock' ? undefined : await this.readKey(provider);
    const config = loadLocalConfig(aws, {
      AUTH_MODE: 'none',
      AWS_REGION: region,
      MODEL_PROVIDER: provider,
      MODEL_BASE_URL: baseUrl,
      MODEL_API_KEY: apiKey,
      MODEL_ID: this.options.modelId,
      TOOLS_MODE: this.options.toolsMode,
      MEMORY_STORE: 'file',
      MEMORY_DIR: join(this.options.storageDir, 'memory'),
      BEDROCK_ENDPOINT: this.options.bedrockEndpoint,
      MCP_SERVERS: mcpServersJson(this.options),
    });
    const credentials =
      this.options.credentials ??
      aws.fromNodeProviderChain(this.options.profile ? { profile: this.options.profile } : {});
    const log = aws.createLogger('info', (line) => this.options.log?.(line.trimEnd()));
    return aws.createBackend(config, log, { credentials }).service;
  }
}

/** The settings' MCP servers and the preset, as MCP_SERVERS; a server named like the preset replaces it. */
function mcpServersJson(options: LocalConnectionOptions): string | undefined {
  const servers = options.mcpServers ?? [];
  const named = (name: string) => servers.some((s) => (s as { name?: unknown })?.name === name);
  // The preset goes last, so an error's index is the one in the user's own list.
  const all = options.awsKnowledge && !named('aws-knowledge') ? [...servers, 'aws-knowledge'] : servers;
  return all.length ? JSON.stringify(all) : undefined;
}

/** A bad MCP server entry is the user's setting to fix, named as they know it. */
function loadLocalConfig(aws: Awaited<ReturnType<typeof loadAws>>, env: Record<string, string | undefined>) {
  try {
    return aws.loadConfig(env);
  } catch (error) {
    const detail = /MCP_SERVERS\.?([^;]*)/.exec((error as Error).message)?.[1];
    if (detail === undefined) throw error;
    throw new ConnectionError(
      'not_configured',
      `cloudEngineer.mcp.servers${detail.startsWith(':') ? '' : '['}${detail.replace(/^(\d+)/, '$1]')}`,
    );
  }
}

/**
 * The model ids a loopback OpenAI-compatible server lists at GET {baseUrl}/models (Ollama: the
 * pulled models); 'down' when nothing answers; 'unknown' when it answers something else.
 */
async function probeModels(baseUrl: string, timeoutMs: number): Promise<string[] | 'down' | 'unknown'> {
  if (!isLoopbackUrl(baseUrl)) return 'unknown';
  let response: Response;
  try {
    response = await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch {
    return 'down';
  }
  try {
    if (!response.ok) return 'unknown';
    const body = (await response.json()) as { data?: { id?: unknown }[] };
    return Array.isArray(body?.data)
      ? body.data.map((m) => m?.id).filter((id): id is string => typeof id === 'string')
      : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The caller stops waiting when `signal` aborts (the JSON actions are short; their work may finish unseen). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function localActor() {
  return (await loadAws()).LOCAL_ACTOR;
}

/** The region of the chosen profile in ~/.aws/config, when it has one. */
async function profileRegion(profile: string | undefined): Promise<string | undefined> {
  try {
    const { configFile } = await (await loadAws()).loadSharedConfigFiles();
    return configFile[profile || process.env.AWS_PROFILE || 'default']?.region;
  } catch {
    return undefined;
  }
}

/** The core's typed errors (their code is one of the protocol's), as the connection errors every mode raises. */
function rethrow(error: unknown): never {
  const e = error as { code?: unknown; message?: string; name?: string };
  if (e?.name === 'AbortError') throw error;
  const code = FailureCode.safeParse(e?.code);
  throw new ConnectionError(code.success ? code.data : 'internal', e?.message ?? 'the local agent failed', {
    cause: error,
  });
}
