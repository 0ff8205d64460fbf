/**
 * Remembers who a verified access token names, so a client sending the same token with every
 * request (the extension does, for the token's hour) pays for the signature check once. Keyed by
 * the whole token: any other string, however close, is verified afresh. An entry lasts until the
 * token expires and at most `maxAgeMs`, the cache holds at most `maxEntries` (the least recently
 * used go first), and a rejected token is never remembered.
 */
import type { Actor, Authenticator } from './authenticator';

export interface VerifiedTokenOptions {
  /** Default 2,000 tokens (a few MB at most). */
  maxEntries?: number;
  /** Default 10 minutes: a key the pool stops signing with is trusted no longer than that. */
  maxAgeMs?: number;
  now?: () => number;
}

interface Entry {
  actor: Actor;
  until: number;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

export function rememberVerifiedTokens(
  auth: Authenticator,
  options: VerifiedTokenOptions = {},
): Authenticator {
  const maxEntries = options.maxEntries ?? 2000;
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();
  return {
    async authenticate(authorization) {
      const token = BEARER.exec(authorization?.trim() ?? '')?.[1];
      const hit = token !== undefined ? cache.get(token) : undefined;
      if (hit) {
        cache.delete(token!);
        if (hit.until > now()) {
          cache.set(token!, hit);
          return hit.actor;
        }
      }
      const actor = await auth.authenticate(authorization);
      const exp = token !== undefined ? expiryMs(token) : undefined;
      if (exp !== undefined) {
        cache.set(token!, { actor: freeze(actor), until: Math.min(exp, now() + maxAgeMs) });
        while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
      }
      return actor;
    },
  };
}

/** The `exp` of a token the authenticator has just accepted, in ms; undefined when it has none. */
function expiryMs(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** One actor serves many requests: none of them may change it for the others. */
function freeze(actor: Actor): Actor {
  if (actor.groups) Object.freeze(actor.groups);
  return Object.freeze(actor);
}
