/**
 * A person's name for the record. With e-mail sign-in (the deployed pool) Cognito's access token
 * carries a generated `username` (a UUID; `<provider>_<id>` for company sign-in), which names
 * nobody in CloudTrail or on a change set. The pool's own record of the user holds the e-mail:
 * `AdminGetUser` reads it once per user, and the answer is cached for a while.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Actor } from './authenticator';

/** The name to record for a verified user, or undefined when the pool cannot say. */
export type UserNameLookup = (username: string, sub: string) => Promise<string | undefined>;

export interface CognitoUserNamesOptions {
  userPoolId: string;
  region: string;
  /** The user pool API's endpoint (an emulator's); absent: Cognito's own in `region`. */
  endpoint?: string;
  credentials?: AwsCredentialIdentityProvider;
  /** Told why a look-up failed (a missing grant shows here); the caller falls back to the username. */
  onError?: (error: unknown) => void;
  now?: () => number;
  /** People remembered at most (default 5,000); the least recently seen go first. */
  maxCached?: number;
  /** How long a request waits on the look-up (default 3 s) before it records the username. */
  timeoutMs?: number;
}

/** A name is re-read after an hour (an e-mail can change); a failed look-up is retried after five minutes. */
const FOUND_MS = 60 * 60_000;
const FAILED_MS = 5 * 60_000;
/** What a name may be: an e-mail's length, printable, no control characters. */
const MAX_NAME = 256;

interface Entry {
  name: Promise<string | undefined>;
  until: number;
}

export function cognitoUserNames(options: CognitoUserNamesOptions): UserNameLookup {
  const now = options.now ?? Date.now;
  const maxCached = options.maxCached ?? 5000;
  const timeoutMs = options.timeoutMs ?? 3000;
  const cache = new Map<string, Entry>();
  let sdk: Promise<{ send(command: unknown, signal: AbortSignal): Promise<any>; Command: any }> | undefined;
  const client = () =>
    (sdk ??= import('@aws-sdk/client-cognito-identity-provider').then((m) => {
      const c = new m.CognitoIdentityProviderClient({
        region: options.region,
        maxAttempts: 2,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
      return {
        send: (command: unknown, signal: AbortSignal) => c.send(command as never, { abortSignal: signal }),
        Command: m.AdminGetUserCommand,
      };
    }));

  const read = async (username: string): Promise<string | undefined> => {
    const { send, Command } = await client();
    const reply = await send(
      new Command({ UserPoolId: options.userPoolId, Username: username }),
      AbortSignal.timeout(timeoutMs),
    );
    return nameOf(reply.UserAttributes ?? []);
  };

  return async (username, sub) => {
    const hit = cache.get(sub);
    if (hit && hit.until > now()) {
      // Seen again: last out of the bounded cache.
      cache.delete(sub);
      cache.set(sub, hit);
      return hit.name;
    }
    const entry: Entry = { name: read(username), until: now() + FOUND_MS };
    entry.name = entry.name.catch((error: unknown) => {
      options.onError?.(error);
      entry.until = now() + FAILED_MS;
      return undefined;
    });
    cache.delete(sub);
    cache.set(sub, entry);
    while (cache.size > maxCached) cache.delete(cache.keys().next().value!);
    return entry.name;
  };
}

/**
 * The e-mail, when it is the person's: verified (a user who changes their own e-mail to someone
 * else's cannot verify it), or set by the company's identity provider at each sign-in (a federated
 * user has `identities`; their e-mail is the provider's, not theirs to edit).
 */
export function nameOf(attributes: readonly { Name?: string; Value?: string }[]): string | undefined {
  const value = (name: string) => attributes.find((a) => a.Name === name)?.Value;
  const email = value('email')?.trim();
  if (!email || email.length > MAX_NAME || /[\p{Cc}\p{Cf}\s]/u.test(email)) return undefined;
  const federated = (value('identities') ?? '') !== '';
  return value('email_verified') === 'true' || federated ? email : undefined;
}

/** The region of a pool id (`eu-west-1_AbC123`); an emulator's (`local_…`) has none. */
export function poolRegion(userPoolId: string): string | undefined {
  return /^([a-z]{2}(?:-[a-z]+)+-\d+)_/.exec(userPoolId)?.[1];
}

/** Who the records name: the person's e-mail when known, else the token's username, else the `sub`. */
export function personName(actor: Actor): string {
  return actor.name ?? actor.username ?? actor.actorId;
}
