/** What a tool is. One tool per file; `registry.ts` holds the set the model is offered. */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import * as z from 'zod';
import { CloudEngineerError, type ApprovalDetails, type Approver } from '../../protocol';

export interface ToolContext {
  /** The verified caller, for tools that must scope what they touch. */
  actorId: string;
  /** Region from the tool input wins; this is the configured fallback. */
  region: string;
  /** Absent means the SDK's default chain (environment, profile, SSO, container role). */
  credentials?: AwsCredentialIdentityProvider;
  signal: AbortSignal;
  /** The conversation the call belongs to, when it has one. */
  sessionId?: string;
  /** The AWS account id of `credentials`, for approval cards; absent: cards say "unknown account". */
  callerAccount?: () => Promise<string>;
  /** For an approved call: who approved it, recorded where AWS keeps a record (change set tags). */
  approver?: Approver;
}

export interface Tool<Input = unknown> {
  name: string;
  /** What the model reads to decide when to call it. */
  description: string;
  inputSchema: z.ZodType<Input>;
  /** The input's JSON Schema when it comes from elsewhere (an MCP server); else made from `inputSchema`. */
  jsonSchema?: Record<string, unknown>;
  /** False for anything that changes AWS: the call then waits for an approval of that exact call. */
  readOnly: boolean;
  /**
   * For destructive calls: the text the user must type to approve this exact call, e.g.
   * `DELETE my-stack`. Undefined: a plain approval is enough.
   */
  confirmText?(input: Input): string | undefined;
  /**
   * For calls whose input does not say everything they will do (executing a change set): looks
   * that up, read-only, when the approval is asked for, so the card shows it in full.
   */
  describeApproval?(input: Input, context: ToolContext): Promise<ApprovalDetails>;
  /**
   * The IAM actions `run` and `describeApproval` call AWS with: the deployed tools role grants
   * exactly these (infra/lib/tool-actions.ts), and a test ties them to the calls the tool makes.
   * Absent: the tool calls no AWS API (MCP tools, recall).
   */
  iam?: ToolIam;
  run(input: Input, context: ToolContext): Promise<unknown>;
}

export interface ToolIam {
  /** Reads, granted on every resource (Describe, List and Get calls take no narrower one). */
  actions: readonly string[];
  /**
   * CloudFormation calls that change a stack or its state (drift detection included): granted only
   * where changes may be approved, and never on the backend's own stack or the CDK bootstrap stack.
   */
  stackChanges?: readonly string[];
}

/** The shape a tool file exports; `defineTool` keeps `Input` tied between schema and `run`. */
export function defineTool<Input>(tool: Tool<Input>): Tool<Input> {
  return tool;
}

/**
 * A failure the model should see as a tool error, with a message meant for it: the call as made
 * cannot succeed (`invalid_request`, the default), or what the tool needs is away (`unavailable`).
 */
export class ToolError extends CloudEngineerError {
  override readonly name = 'ToolError';
  readonly code: 'invalid_request' | 'unavailable';
  constructor(message: string, options: { code?: ToolError['code']; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code ?? 'invalid_request';
  }
}

/** An AWS region name as tools accept it (us-east-1, eu-central-2, us-gov-west-1, ...). */
export const AwsRegion = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'an AWS region such as us-east-1')
  .describe('AWS region; omit for the configured region');

/** Client options every AWS SDK client in a tool is built with. */
export function awsClientConfig(context: ToolContext, region?: string) {
  return {
    region: region ?? context.region,
    ...(context.credentials ? { credentials: context.credentials } : {}),
    maxAttempts: 3,
  };
}
