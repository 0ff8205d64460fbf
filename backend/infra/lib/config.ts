/**
 * Deploy-time choices, read from CDK context (`-c name=value` on the command line or `context` in
 * cdk.json) and validated once, so a typo stops the synth with the setting's name instead of
 * deploying something else.
 */
import { z } from 'zod';
import { DEFAULT_MODEL_ID } from '../../src/core/config';
import { SHAPES, type Shape } from './outputs';

const csv = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  )
  .or(z.array(z.string()));

const CALLBACK_RULE =
  'callbackUrls: https://…, http://localhost…, or an editor scheme such as cursor://publisher.name/auth';

/** What Cognito accepts and what cannot run script or leave the machine in clear text. */
export function isCallbackUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  if (url.protocol === 'https:') return true;
  if (url.protocol === 'http:') return url.hostname === 'localhost';
  // A custom scheme names an app (`vscode-insiders:`, `cursor:`); never script or inline data.
  return (
    /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) && !/^(javascript|data|file|vbscript|blob):$/.test(url.protocol)
  );
}

const Context = z.object({
  shape: z.enum(SHAPES, { error: `shape must be one of ${SHAPES.join(', ')} (-c shape=agentcore)` }),
  /** Bedrock model id or inference-profile id (`us.`, `eu.`, `apac.`, `global.` …). */
  modelId: z
    .string()
    .regex(/^[a-z0-9.:-]+$/i, 'modelId: a Bedrock model or inference-profile id')
    .default(DEFAULT_MODEL_ID),
  /** Regions an inference profile routes to, when the built-in table does not know its prefix. */
  modelRegions: csv.optional(),
  /** Days a conversation is kept: DynamoDB `ttl`, AgentCore Memory event expiry (7..365). */
  retentionDays: z.coerce.number().int().min(7).max(365).default(365),
  toolsMode: z.enum(['read-only', 'approve-writes']).default('approve-writes'),
  /** Hosted-UI domain prefix; must be unique in the region. Default: derived from the account. */
  domainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'domainPrefix: lowercase letters, digits, hyphens')
    .refine((p) => !/aws|amazon|cognito/.test(p), 'domainPrefix may not contain aws, amazon or cognito')
    .optional(),
  /** Extra OAuth callback URLs, comma-separated (another editor's URI scheme, a remote host). */
  callbackUrls: csv.pipe(z.array(z.string().refine(isCallbackUrl, CALLBACK_RULE))).default([]),
  /** An e-mail address subscribed to the alarms' SNS topic. */
  alarmEmail: z.email().optional(),
  /** The p95 time-to-first-token alarm's threshold. */
  ttftP95AlarmMs: z.coerce.number().int().min(500).default(10_000),
  /** The Lambda's timeout: the longest turn (model plus tools) it can serve. */
  lambdaTimeoutSeconds: z.coerce.number().int().min(30).max(900).default(600),
});

export type InfraConfig = z.infer<typeof Context> & { shape: Shape };

export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';
}

/** `read(name)` is `node.tryGetContext`; strings from `-c` and JSON values from cdk.json both pass. */
export function readInfraConfig(read: (name: string) => unknown): InfraConfig {
  const raw = Object.fromEntries(
    Object.keys(Context.shape)
      .map((name) => [name, read(name)] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = Context.safeParse(raw);
  if (!parsed.success)
    throw new InfraConfigError(
      `invalid CDK context: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
