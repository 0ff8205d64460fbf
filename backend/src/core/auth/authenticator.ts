/**
 * Who is calling. The actor is the `sub` of a verified Cognito access token (signature, expiry,
 * issuer, `client_id`, `token_use === "access"`), or `local` when auth is off. Nothing in the body
 * or any other header can name the actor.
 */
import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  KidNotFoundInJwksError,
} from 'aws-jwt-verify/error';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { ConfigError } from '../config';
import { UnauthorizedError, UnavailableError } from '../errors';
import type { UserNameLookup } from './user-names';

export interface Actor {
  actorId: string;
  /** The access token's `username` (with e-mail sign-in, a generated id). */
  username?: string;
  /** The person's name for the record: the pool's e-mail for them (user-names.ts), when it can be read. */
  name?: string;
  authMode: 'cognito' | 'none';
  /** The verified access token's `cognito:groups`: what ALLOWED_GROUPS and APPROVER_GROUPS test. */
  groups?: readonly string[];
}

export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Actor>;
}

export const LOCAL_ACTOR: Actor = { actorId: 'local', authMode: 'none' };

export const noAuth: Authenticator = { authenticate: async () => LOCAL_ACTOR };

export interface CognitoAuthOptions {
  userPoolId: string;
  clientId: string;
  /** Emulator override; production derives it from the pool id. */
  issuer?: string;
  jwksUri?: string;
  /** For tests: a fetcher for a loopback http JWKS (the library only fetches over https). */
  fetchJson?: (uri: string) => Promise<unknown>;
  /** Looks up the person's name (the token's username is an id); absent or failing: the username. */
  userNames?: UserNameLookup;
}

export function createCognitoAuthenticator(options: CognitoAuthOptions): Authenticator {
  const verifier = options.issuer ? emulatorVerifier(options) : productionVerifier(options);
  return {
    async authenticate(authorization) {
      const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization?.trim() ?? '')?.[1];
      if (!token)
        throw new UnauthorizedError('missing bearer token: send "Authorization: Bearer <access token>"');
      let payload: Record<string, unknown>;
      try {
        payload = (await verifier.verify(token)) as Record<string, unknown>;
      } catch (cause) {
        if (cause instanceof FetchError)
          throw new UnavailableError('could not load the token signing keys', { cause });
        throw new UnauthorizedError(`token rejected: ${rejectionReason(cause)}`, { cause });
      }
      if (typeof payload.sub !== 'string' || payload.sub === '')
        throw new UnauthorizedError('token has no subject');
      const groups = payload['cognito:groups'];
      const username = typeof payload.username === 'string' ? payload.username : undefined;
      const name = username ? await options.userNames?.(username, payload.sub) : undefined;
      return {
        actorId: payload.sub,
        ...(username ? { username } : {}),
        ...(name ? { name } : {}),
        authMode: 'cognito',
        groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
      };
    },
  };
}

/** Which check failed, in words a client can act on; never the token or its claims. */
const REASONS: [new (...args: never[]) => Error, string][] = [
  [JwtExpiredError, 'expired, sign in again'],
  [JwtNotBeforeError, 'not valid yet'],
  [JwtInvalidIssuerError, 'issued by another user pool'],
  [CognitoJwtInvalidClientIdError, 'issued to another app client'],
  [CognitoJwtInvalidTokenUseError, 'not an access token'],
  [JwtInvalidSignatureError, 'bad signature'],
  [JwtInvalidSignatureAlgorithmError, 'unsupported signature algorithm'],
  [KidNotFoundInJwksError, 'signed with an unknown key'],
  [JwtParseError, 'malformed'],
];

function rejectionReason(error: unknown): string {
  return REASONS.find(([type]) => error instanceof type)?.[1] ?? 'invalid';
}

interface Verifier {
  verify(token: string): Promise<unknown>;
}

function productionVerifier(options: CognitoAuthOptions): Verifier {
  const verifier = CognitoJwtVerifier.create({
    userPoolId: options.userPoolId,
    clientId: options.clientId,
    tokenUse: 'access',
  });
  return { verify: (token) => verifier.verify(token) };
}

/**
 * An emulator (cognito-local) signs with its own issuer. Cognito's own claim checks still run; only
 * a loopback JWKS may be plain http, and its keys are loaded into the verifier's cache directly.
 */
function emulatorVerifier(options: CognitoAuthOptions): Verifier {
  const issuer = options.issuer!;
  const jwksUri = options.jwksUri ?? `${issuer}/.well-known/jwks.json`;
  const url = new URL(jwksUri);
  const plainHttp = url.protocol === 'http:';
  if (plainHttp && !isLoopbackHost(url.hostname)) {
    throw new ConfigError('COGNITO_JWKS_URI may use http:// only for a loopback host');
  }
  const verifier = JwtRsaVerifier.create({
    issuer,
    jwksUri,
    audience: null, // access tokens carry client_id, checked below, not aud
    customJwtCheck: ({ payload }) =>
      validateCognitoJwtFields(payload, { tokenUse: 'access', clientId: options.clientId }),
  });
  if (!plainHttp) return { verify: (token) => verifier.verify(token) };

  const fetchJson = options.fetchJson ?? (async (uri: string) => (await fetch(uri)).json());
  let loaded: Promise<void> | undefined;
  const load = () =>
    (loaded ??= fetchJson(jwksUri).then((jwks) => verifier.cacheJwks(jwks as Jwks))).catch((e) => {
      loaded = undefined;
      throw e;
    });
  return {
    async verify(token) {
      await load();
      return verifier.verify(token);
    },
  };
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
