/**
 * A deployment's CDK outputs file (`cdk deploy --outputs-file`, `{ "<stack>": { <key>: value } }`)
 * to the extension's settings. The file may come from anyone, so every value is checked for the
 * shape its setting needs and tokens can only ever go to an https address (or loopback).
 * No `vscode` here: unit-tested in plain Node.
 */
import * as z from 'zod';
import { DEPLOYMENT_OUTPUTS as KEYS } from '../../backend/infra/lib/outputs';
import { identityProviderProblem } from '../auth/identity-provider';
import type { SETTINGS } from '../common/settings';

export { KEYS as DEPLOYMENT_OUTPUT_KEYS };

/** Larger than any outputs file; a bigger one is not one. */
export const MAX_OUTPUTS_FILE_BYTES = 1024 * 1024;

export interface Deployment {
  stackName: string;
  mode: 'agentcore' | 'http';
  /** `http`: the Function URL. */
  url?: string;
  /** `agentcore`: the runtime ARN. */
  runtimeArn?: string;
  region: string;
  userPoolId: string;
  clientId: string;
  /** The hosted UI's host name, when the deployment has one. */
  domain?: string;
  /** The one company identity provider the hosted UI goes straight to, when there is one. */
  identityProvider?: string;
}

/**
 * Whether an `http` deployment's backend is where the CDK app puts it: a Lambda Function URL in the
 * deployment's region (or loopback, for local tests). Anything else receives the user's token and
 * every chat, so it is confirmed first.
 */
export function isFunctionUrl(url: string, region: string): boolean {
  const { hostname } = new URL(url);
  if (isLoopbackHost(hostname)) return true;
  const suffix = `.lambda-url.${region}.on.aws`;
  return hostname.endsWith(suffix) && /^[a-z0-9]+$/.test(hostname.slice(0, -suffix.length));
}

/**
 * Whether a hosted-UI host is Cognito's own for the deployment's region. Anything else (a custom
 * domain, or a look-alike a hostile outputs file names) is where the user would type a password,
 * so it is confirmed first.
 */
export function isCognitoHostedUi(host: string, region: string): boolean {
  const suffix = `.auth.${region}.amazoncognito.com`;
  return host.endsWith(suffix) && /^[a-z0-9-]+$/.test(host.slice(0, -suffix.length));
}

export class DeploymentOutputsError extends Error {
  override readonly name = 'DeploymentOutputsError';
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const RUNTIME_ARN = /^arn:aws[a-z-]*:bedrock-agentcore:([a-z0-9-]+):\d{12}:runtime\/[A-Za-z0-9_-]+$/;
const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

const Text = z.string().trim().min(1).max(2048);
const Outputs = z.object({
  [KEYS.mode]: z.enum(['agentcore', 'http']),
  [KEYS.url]: Text.optional(),
  [KEYS.runtimeArn]: Text.regex(RUNTIME_ARN, 'not an AgentCore runtime ARN').optional(),
  [KEYS.region]: Text.regex(REGION, 'not an AWS region'),
  [KEYS.userPoolId]: Text.regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'not a Cognito user pool id'),
  [KEYS.clientId]: Text.regex(/^[\w+]{1,128}$/, 'not a Cognito app client id'),
  [KEYS.domain]: Text.optional(),
  [KEYS.identityProvider]: Text.optional(),
});

/** Every stack in the file whose outputs are a deployment's; stack names are the user's choice. */
export function parseDeploymentOutputs(text: string): Deployment[] {
  if (text.length > MAX_OUTPUTS_FILE_BYTES)
    throw new DeploymentOutputsError('This file is too large to be a CDK outputs file.');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DeploymentOutputsError(
      'This file is not JSON: choose the file `cdk deploy --outputs-file` wrote.',
    );
  }
  const file = z.record(z.string(), z.unknown()).safeParse(json);
  if (!file.success || Array.isArray(json))
    throw new DeploymentOutputsError('This file is not a CDK outputs file (an object of stacks).');
  const found: Deployment[] = [];
  const problems: string[] = [];
  for (const [stackName, outputs] of Object.entries(file.data)) {
    if (!isDeploymentLike(outputs)) continue;
    const parsed = Outputs.safeParse(outputs);
    if (!parsed.success) {
      problems.push(
        `${stackName}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      );
      continue;
    }
    try {
      found.push(toDeployment(stackName, parsed.data));
    } catch (error) {
      if (!(error instanceof DeploymentOutputsError)) throw error;
      problems.push(`${stackName}: ${error.message}`);
    }
  }
  if (found.length > 0) return found;
  throw new DeploymentOutputsError(
    problems.length > 0
      ? `The deployment's outputs are not usable: ${problems.join(' | ')}`
      : `No stack in this file has the Cloud Engineer outputs (${KEYS.mode}, ${KEYS.userPoolId}, ${KEYS.clientId}, …). Deploy with \`npm run deploy\` and choose the file it wrote.`,
  );
}

function isDeploymentLike(outputs: unknown): outputs is Record<string, unknown> {
  return (
    typeof outputs === 'object' &&
    outputs !== null &&
    Object.hasOwn(outputs, KEYS.mode) &&
    Object.hasOwn(outputs, KEYS.userPoolId)
  );
}

function toDeployment(stackName: string, o: z.infer<typeof Outputs>): Deployment {
  const region = o[KEYS.region];
  const userPoolId = o[KEYS.userPoolId];
  if (!userPoolId.startsWith(`${region}_`))
    throw new DeploymentOutputsError(`the user pool ${userPoolId} is not in ${region}`);
  const domain = o[KEYS.domain];
  const identityProvider = o[KEYS.identityProvider];
  if (identityProvider) {
    const problem = identityProviderProblem(identityProvider);
    if (problem) throw new DeploymentOutputsError(`${KEYS.identityProvider}: ${problem}`);
    // Without a hosted UI there is no page to send the user to the provider from.
    if (!domain) throw new DeploymentOutputsError(`${KEYS.identityProvider} needs ${KEYS.domain}`);
  }
  const common = {
    stackName,
    region,
    userPoolId,
    clientId: o[KEYS.clientId],
    ...(domain ? { domain: hostedUiHost(domain) } : {}),
    ...(identityProvider ? { identityProvider } : {}),
  };
  if (o[KEYS.mode] === 'agentcore') {
    const runtimeArn = o[KEYS.runtimeArn];
    if (!runtimeArn) throw new DeploymentOutputsError(`${KEYS.runtimeArn} is missing`);
    if (RUNTIME_ARN.exec(runtimeArn)![1] !== region)
      throw new DeploymentOutputsError(`the runtime is not in ${region}`);
    return { ...common, mode: 'agentcore', runtimeArn };
  }
  const url = o[KEYS.url];
  if (!url) throw new DeploymentOutputsError(`${KEYS.url} is missing`);
  return { ...common, mode: 'http', url: backendUrl(url) };
}

/** The backend gets the user's token: https only (plain http only to loopback, for local tests). */
function backendUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DeploymentOutputsError(`${KEYS.url} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
    throw new DeploymentOutputsError(`${KEYS.url} must be an https:// address`);
  if (url.username || url.password)
    throw new DeploymentOutputsError(`${KEYS.url} must not carry credentials`);
  return url.toString();
}

/** The loopback names a local test backend may use (as the backend URL setting's pattern allows). */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** `x.auth.us-east-1.amazoncognito.com`, with or without `https://`, to its host name. */
function hostedUiHost(raw: string): string {
  const host = raw
    .replace(/^https:\/\//i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
  if (!HOST.test(host)) throw new DeploymentOutputsError(`${KEYS.domain} is not a host name`);
  return host;
}

/**
 * The settings a deployment sets, every one of them: a value the deployment lacks is cleared, so
 * nothing from an earlier deployment (another pool's hosted UI) is left behind.
 */
export function settingsFor(d: Deployment): [setting: keyof typeof SETTINGS, value: string][] {
  return [
    ['mode', d.mode],
    ['url', d.url ?? ''],
    ['runtimeArn', d.runtimeArn ?? ''],
    ['region', d.region],
    ['userPoolId', d.userPoolId],
    ['clientId', d.clientId],
    ['domain', d.domain ?? ''],
    ['identityProvider', d.identityProvider ?? ''],
  ];
}

/** One line for a picker: what and where. */
export function describeDeployment(d: Deployment): string {
  return d.mode === 'agentcore'
    ? `AgentCore runtime ${d.runtimeArn!.split('/').pop()} in ${d.region}`
    : `HTTP backend ${new URL(d.url!).host}`;
}
