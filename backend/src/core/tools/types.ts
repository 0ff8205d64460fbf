/** What a tool is. One tool per file; `registry.ts` holds the set the model is offered. */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { z } from 'zod';

export interface ToolContext {
  /** The verified caller, for tools that must scope what they touch. */
  actorId: string;
  /** Region from the tool input wins; this is the configured fallback. */
  region: string;
  /** Absent means the SDK's default chain (environment, profile, SSO, container role). */
  credentials?: AwsCredentialIdentityProvider;
  signal: AbortSignal;
}

export interface Tool<Input = unknown> {
  name: string;
  /** What the model reads to decide when to call it. */
  description: string;
  inputSchema: z.ZodType<Input>;
  /** False for anything that changes AWS: the call then waits for an approval of that exact call. */
  readOnly: boolean;
  run(input: Input, context: ToolContext): Promise<unknown>;
}

/** The shape a tool file exports; `defineTool` keeps `Input` tied between schema and `run`. */
export function defineTool<Input>(tool: Tool<Input>): Tool<Input> {
  return tool;
}

/** A failure the model should see as a tool error, with a message meant for it. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

/** Client options every AWS SDK client in a tool is built with. */
export function awsClientConfig(context: ToolContext, region?: string) {
  return {
    region: region ?? context.region,
    ...(context.credentials ? { credentials: context.credentials } : {}),
    maxAttempts: 3,
  };
}
