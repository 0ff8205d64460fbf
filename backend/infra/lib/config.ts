/**
 * Deploy-time choices, read from CDK context (`-c name=value` on the command line or `context` in
 * cdk.json) and validated once, so a typo stops the synth with the setting's name instead of
 * deploying something else.
 */
import { z } from 'zod';
import { DEFAULT_MODEL_ID } from '../../src/core/config';
import { PROVIDER_IDS } from '../../src/core/model/providers';
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

/** `true`/`false` from `-c` (strings) or cdk.json (booleans); `z.coerce.boolean` reads "false" as true. */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** An https address with no credentials or fragment in it: it lands in an environment variable. */
const httpsUrl = (name: string) =>
  z
    .string()
    .max(2048)
    .refine((v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'https:' && !u.username && !u.password && !u.hash;
      } catch {
        return false;
      }
    }, `${name}: an https:// URL without credentials or #fragment`);

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;
/** What API keys start with: a key pasted where its secret's name belongs would be stored in clear. */
const LOOKS_LIKE_KEY = /^(sk-|sk_|AIza|xai-|gsk_|pk-)/;
const secretRef = (name: string) =>
  z
    .string()
    .refine((v) => SECRET_NAME.test(v) || SECRET_ARN.test(v), `${name}: a Secrets Manager secret name or ARN`)
    .refine(
      (v) => !LOOKS_LIKE_KEY.test(v),
      `${name} looks like a key itself: store the key in Secrets Manager and pass the secret's name`,
    );

/** Cognito group names, kept to characters that survive a comma-separated variable. */
const groupName = (name: string) =>
  z.string().regex(/^[\w+=.@-]{1,128}$/, `${name}: letters, digits and _+=.@- (at most 128)`);

/** Cognito identity-provider names; the built-in ones are reserved. */
const providerName = (name: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/, `${name}: 3 to 32 letters, digits or hyphens`)
    .refine(
      (v) => !/^(cognito|google|facebook|loginwithamazon|signinwithapple)$/i.test(v),
      `${name} is reserved by Cognito`,
    );

/** The backend's providers (its registry), so a new provider needs no change here. */
export const MODEL_PROVIDERS = PROVIDER_IDS;
const BEDROCK_MODEL_ID = /^[a-z0-9.:-]+$/i;
/** Other providers' ids (`gpt-4.1`, `llama3.1:8b`, `meta-llama/Llama-3.1-8B-Instruct`). */
const MODEL_ID = /^[A-Za-z0-9][\w.:/@+-]{0,255}$/;

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
  /** Which model service the agent calls (MODEL_PROVIDER). */
  modelProvider: z
    .enum(MODEL_PROVIDERS, { error: `modelProvider must be one of ${MODEL_PROVIDERS.join(', ')}` })
    .default('bedrock'),
  /**
   * Bedrock: model or inference-profile id (`us.`, `eu.`, `apac.`, `global.` …), default a Claude
   * Sonnet profile. Other providers: their model id, default the backend's per provider.
   */
  modelId: z.string().regex(MODEL_ID, 'modelId: a model id (letters, digits, ._:/@+-)').optional(),
  /** The provider's endpoint (OpenAI-compatible servers end in /v1); never for Bedrock. */
  modelBaseUrl: httpsUrl('modelBaseUrl').optional(),
  /** The Secrets Manager secret (name or ARN) holding the provider's API key. */
  modelApiKeySecret: secretRef('modelApiKeySecret').optional(),
  /** Input-token budget of one model request (CONTEXT_TOKENS). */
  contextTokens: z.coerce.number().int().min(2000).max(10_000_000).optional(),
  /** Tokens one user may spend per UTC day (USER_DAILY_TOKENS); 0: no limit. */
  userDailyTokens: z.coerce.number().int().min(0).max(1e12).optional(),
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
  /** The Cognito group whose members may use the agent. */
  usersGroup: groupName('usersGroup').default('cloud-engineer-users'),
  /** The Cognito group whose members may also approve changes. */
  approversGroup: groupName('approversGroup').default('cloud-engineer-approvers'),
  /** Every verified user may use the agent (ALLOWED_GROUPS unset); approvals still need the group. */
  openAccess: flag.default(false),
  /** Company sign-in over OpenID Connect: issuer, client id, and the secret holding the client secret. */
  oidcIssuer: httpsUrl('oidcIssuer').optional(),
  oidcClientId: z
    .string()
    .regex(/^[\w.@:/+=-]{1,256}$/, 'oidcClientId: the client id the identity provider issued')
    .optional(),
  oidcClientSecretName: secretRef('oidcClientSecretName').optional(),
  /** The provider's name on the hosted UI (`identity_provider=`). */
  oidcName: providerName('oidcName').default('CompanySSO'),
  /** The ID-token claim carrying the user's groups, copied to `custom:groups`. */
  oidcGroupsClaim: z
    .string()
    .regex(/^[\w.:/-]{1,128}$/, 'oidcGroupsClaim: a claim name')
    .optional(),
  /** Company sign-in over SAML: the IdP's metadata URL. */
  samlMetadataUrl: httpsUrl('samlMetadataUrl').optional(),
  samlName: providerName('samlName').optional(),
  /** The SAML attribute carrying the e-mail address. */
  samlEmailAttribute: z
    .string()
    .regex(/^[\w.:/-]{1,256}$/, 'samlEmailAttribute: an attribute name')
    .default('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'),
  /** `false`: company sign-in only (no Cognito passwords); needs an identity provider. */
  passwordSignIn: flag.default(true),
});

const DEFAULT_SAML_NAME = 'CompanySAML';

/** Settings that only make sense together, checked after each has its own shape. */
const Checked = Context.superRefine((c, ctx) => {
  const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (c.modelProvider === 'bedrock') {
    if (c.modelId && !BEDROCK_MODEL_ID.test(c.modelId))
      fail('modelId', 'a Bedrock model or inference-profile id');
    if (c.modelBaseUrl)
      fail('modelBaseUrl', 'not used with modelProvider=bedrock (Bedrock signs its own endpoint)');
    if (c.modelApiKeySecret)
      fail('modelApiKeySecret', 'not used with modelProvider=bedrock (IAM signs the calls)');
  } else {
    const keyless = c.modelProvider === 'openai' && c.modelBaseUrl !== undefined;
    if (!c.modelApiKeySecret && !keyless)
      fail(
        'modelApiKeySecret',
        `modelProvider=${c.modelProvider} needs an API key: put it in Secrets Manager and pass -c modelApiKeySecret=<secret name or ARN>`,
      );
    if (c.modelProvider === 'openai' && c.modelBaseUrl && !c.modelId)
      fail('modelId', 'required with modelProvider=openai and modelBaseUrl: name a model that server serves');
  }
  const oidc = [c.oidcIssuer, c.oidcClientId, c.oidcClientSecretName];
  if (oidc.some(Boolean) && !oidc.every(Boolean))
    fail(
      'oidcIssuer',
      'company sign-in over OIDC needs oidcIssuer, oidcClientId and oidcClientSecretName together',
    );
  if (c.oidcGroupsClaim && !c.oidcIssuer) fail('oidcGroupsClaim', 'needs oidcIssuer');
  if (c.samlName && !c.samlMetadataUrl) fail('samlName', 'needs samlMetadataUrl');
  if (c.oidcIssuer && c.samlMetadataUrl && (c.samlName ?? DEFAULT_SAML_NAME) === c.oidcName)
    fail('samlName', 'the OIDC and SAML providers need different names');
  if (!c.passwordSignIn && !c.oidcIssuer && !c.samlMetadataUrl)
    fail('passwordSignIn', 'false leaves no way to sign in: configure oidcIssuer or samlMetadataUrl');
  if (c.usersGroup === c.approversGroup) fail('approversGroup', 'must differ from usersGroup');
}).transform((c) => ({
  ...c,
  modelId: c.modelId ?? (c.modelProvider === 'bedrock' ? DEFAULT_MODEL_ID : undefined),
  samlName: c.samlMetadataUrl ? (c.samlName ?? DEFAULT_SAML_NAME) : undefined,
}));

export type InfraConfig = z.infer<typeof Checked> & { shape: Shape };

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
  const parsed = Checked.safeParse(raw);
  if (!parsed.success)
    throw new InfraConfigError(
      `invalid CDK context: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
