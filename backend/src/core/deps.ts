/** What the agent service is built from: every edge a host or a test can replace. */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { AgentTurnOptions } from './agent/loop';
import type { Approver } from '../protocol';
import type { Actor } from './auth/authenticator';
import type { ToolTextGuard } from './guardrails/bedrock-guardrail';
import type { TextGuard } from './guardrails/text-guard';
import type { Logger } from './log';
import type { TurnToolSource } from './mcp/turn-tools';
import type { MemoryStore } from './memory/types';
import type { Model } from './model/types';
import type { Telemetry } from './telemetry/types';
import type { TaskDefinition } from './tasks/types';
import type { ToolRegistry } from './tools/registry';

export interface ServiceDeps {
  memory: MemoryStore;
  model: Model;
  systemPrompt: string;
  tools: ToolRegistry;
  /** Tools that come and go (MCP servers), added to `tools` turn by turn. */
  toolSource?: TurnToolSource;
  tasks: readonly TaskDefinition[];
  /** Default region for tools. */
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  /**
   * The credentials one user's tools run with (TOOLS_ROLE_ARN: an assumed role naming the user and
   * the approver); absent: `credentials`.
   */
  toolCredentials?: (actor: Actor, approver?: Approver) => AwsCredentialIdentityProvider;
  maxIterations: number;
  /** Chat streams one actor may have open at once (per process); more are refused with 429. */
  maxStreamsPerActor: number;
  /** Turns one conversation may hold (default 1,000); a chat past it is refused with a hint to start anew. */
  maxSessionTurns?: number;
  /** The input-token budget of one model request (CONTEXT_TOKENS, or the model's default). */
  contextTokens: number;
  /** Input plus output tokens one user may spend per UTC day; 0: no limit. */
  userDailyTokens: number;
  /** ALLOWED_GROUPS and APPROVER_GROUPS; absent: no rule. */
  groups?: { allowed?: readonly string[]; approvers?: readonly string[] };
  /** ApplyGuardrail on tool results, when a Bedrock guardrail is configured. */
  bedrockToolGuard?: ToolTextGuard;
  /**
   * ApplyGuardrail on the user's input and the model's output, for providers that do not apply a
   * guardrail themselves (everything but Bedrock Converse).
   */
  textGuard?: TextGuard;
  retry?: AgentTurnOptions['retry'];
  /** Per-turn metrics (EMF) and spans (OTLP); absent means none. */
  telemetry?: Telemetry;
  log: Logger;
  now: () => Date;
  newId: () => string;
}
