/**
 * Local mode: the backend's agent core runs in the extension host with the user's own AWS
 * credentials (the profile setting, else the default chain: environment, SSO, profiles). Nothing
 * deployed. The core and the AWS SDK load on the first request, not at activation.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ChatRequest, ReplyOf, RequestOf, StreamEvent } from '../../backend/src/protocol';
import type { AgentService } from '../../backend/src/core/service';
import { join } from 'node:path';
import { loadAws } from '../aws/load';
import { ConnectionError, type AgentConnection, type ConnectionErrorKind, type JsonAction } from './types';

export interface LocalConnectionOptions {
  /** Where conversations are kept: the extension's global storage. */
  storageDir: string;
  profile?: string;
  region?: string;
  modelId?: string;
  toolsMode?: 'read-only' | 'approve-writes';
  /** Tests only: a Bedrock endpoint to use instead of AWS. */
  bedrockEndpoint?: string;
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
    if (result.kind !== 'stream') throw new ConnectionError('server', 'chat did not answer with a stream');
    yield* result.events;
  }

  async invoke<A extends JsonAction>(request: RequestOf<A>): Promise<ReplyOf<A>> {
    const [service, actor] = await Promise.all([this.getService(), localActor()]);
    const result = await service.invoke(actor, request).catch(rethrow);
    return (result as { body: unknown }).body as ReplyOf<A>;
  }

  dispose(): void {}

  private getService(): Promise<AgentService> {
    return (this.service ??= this.createService());
  }

  private async createService(): Promise<AgentService> {
    const aws = await loadAws();
    const region =
      this.options.region ||
      (await profileRegion(this.options.profile)) ||
      process.env.AWS_REGION ||
      process.env.AWS_DEFAULT_REGION ||
      'us-east-1';
    const config = aws.loadConfig({
      AUTH_MODE: 'none',
      AWS_REGION: region,
      MODEL_ID: this.options.modelId,
      TOOLS_MODE: this.options.toolsMode,
      MEMORY_STORE: 'file',
      MEMORY_DIR: join(this.options.storageDir, 'memory'),
      BEDROCK_ENDPOINT: this.options.bedrockEndpoint,
    });
    const credentials =
      this.options.credentials ??
      aws.fromNodeProviderChain(this.options.profile ? { profile: this.options.profile } : {});
    const log = aws.createLogger('info', (line) => this.options.log?.(line.trimEnd()));
    return aws.createBackend(config, log, { credentials }).service;
  }
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

/** The core's typed errors, as the connection errors every mode raises. */
function rethrow(error: unknown): never {
  const e = error as { code?: string; message?: string };
  const kinds: Record<string, ConnectionErrorKind> = {
    invalid_request: 'invalid_request',
    payload_too_large: 'invalid_request',
    not_found: 'not_found',
    throttled: 'throttled',
    unauthorized: 'unauthorized',
    unavailable: 'unreachable',
  };
  throw new ConnectionError(kinds[e?.code ?? ''] ?? 'server', e?.message ?? 'the local agent failed', {
    cause: error,
  });
}
