/**
 * The audit trail in AWS: with TOOLS_ROLE_ARN set, one user's tools run in that role assumed for
 * them, with `SourceIdentity` naming the user and session tags naming the user and the approver,
 * so CloudTrail records the person and not only the agent. Credentials are cached per user (and
 * approver) until shortly before they expire.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Approver } from '../../protocol';
import type { Actor } from '../auth/authenticator';
import { personName } from '../auth/user-names';

export const USER_TAG = 'cloud-engineer:user';
export const APPROVER_TAG = 'cloud-engineer:approver';
/** Renewed this long before expiry, so a tool call never starts on credentials about to lapse. */
const RENEW_BEFORE_MS = 5 * 60_000;
const SESSION_SECONDS = 3600;
/** Entries kept at most (one per active user and approval); the oldest go first. */
const MAX_CACHED = 1000;

export interface AssumedRoleOptions {
  roleArn: string;
  region: string;
  /** The host's own credentials, which assume the role; absent: the SDK's default chain. */
  credentials?: AwsCredentialIdentityProvider;
  now?: () => number;
}

export type ToolCredentials = (actor: Actor, approver?: Approver) => AwsCredentialIdentityProvider;

/**
 * STS allows `[\w+=,.@-]` and 2 to 64 characters in `SourceIdentity` and `RoleSessionName`, and a
 * source identity must not start with `aws:`. Anything else becomes `-`.
 */
export function stsIdentity(name: string): string {
  let id = name.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  if (/^aws:/i.test(name)) id = `u-${id}`.slice(0, 64);
  return id.length >= 2 ? id : `${id}--`.slice(0, 2);
}

/** Tag values allow letters, digits, spaces and `_.:/=+-@`, up to 256 characters. */
export function tagValue(value: string): string {
  return value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '-').slice(0, 256);
}

export function createToolCredentials(options: AssumedRoleOptions): ToolCredentials {
  const now = options.now ?? Date.now;
  const cache = new Map<string, Promise<AwsCredentialIdentity>>();
  let sts: Promise<{ send(command: unknown): Promise<any>; AssumeRoleCommand: any }> | undefined;
  const client = () =>
    (sts ??= import('@aws-sdk/client-sts').then((m) => {
      const c = new m.STSClient({
        region: options.region,
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
      return { send: (command: unknown) => c.send(command as never), AssumeRoleCommand: m.AssumeRoleCommand };
    }));

  const assume = async (actor: Actor, approver: Approver | undefined): Promise<AwsCredentialIdentity> => {
    const name = personName(actor);
    const { send, AssumeRoleCommand } = await client();
    const reply = await send(
      new AssumeRoleCommand({
        RoleArn: options.roleArn,
        RoleSessionName: stsIdentity(name),
        SourceIdentity: stsIdentity(name),
        DurationSeconds: SESSION_SECONDS,
        Tags: [
          { Key: USER_TAG, Value: tagValue(name) },
          ...(approver ? [{ Key: APPROVER_TAG, Value: tagValue(approver.name ?? approver.sub) }] : []),
        ],
      }),
    );
    const c = reply.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
    };
  };

  return (actor, approver) => async () => {
    const key = `${actor.actorId}\u0000${approver ? (approver.name ?? approver.sub) : ''}`;
    const cached = cache.get(key);
    if (cached) {
      const creds = await cached.catch(() => undefined);
      if (creds && (!creds.expiration || creds.expiration.getTime() - now() > RENEW_BEFORE_MS)) return creds;
      if (cache.get(key) === cached) cache.delete(key);
    }
    const pending = assume(actor, approver);
    cache.set(key, pending);
    // A failure is not cached: the next call tries again.
    pending.catch(() => cache.get(key) === pending && cache.delete(key));
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
    return pending;
  };
}
