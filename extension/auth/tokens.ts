/**
 * Cognito tokens and their timing, free of `vscode` so the rules are unit-tested: refresh ahead of
 * expiry, one refresh in flight at a time, warn before the refresh token runs out.
 */

export interface Tokens {
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** Access token expiry, epoch ms. */
  expiresAt: number;
  /** When the refresh token was issued (sign-in), epoch ms; refreshes do not renew it. */
  refreshIssuedAt: number;
  sub: string;
  /** What the Accounts menu shows: e-mail, else username. */
  label: string;
}

export const REFRESH_SKEW_MS = 5 * 60_000;
export const MIN_REFRESH_DELAY_MS = 30_000;
/** Cognito's default refresh-token validity; a pool may set another. */
export const REFRESH_VALIDITY_MS = 30 * 86_400_000;
export const WARN_BEFORE_MS = 3 * 86_400_000;

/** Milliseconds until the access token should be refreshed: 5 minutes ahead of expiry, not sooner than 30 s from now unless already due. */
export function refreshDelay(tokens: Pick<Tokens, 'expiresAt'>, now: number): number {
  const due = tokens.expiresAt - REFRESH_SKEW_MS - now;
  if (due <= 0) return 0;
  return Math.max(due, Math.min(MIN_REFRESH_DELAY_MS, tokens.expiresAt - now - 1000));
}

/** True when a request now would carry a token about to expire. */
export function needsRefresh(tokens: Pick<Tokens, 'expiresAt'>, now: number, marginMs = 60_000): boolean {
  return tokens.expiresAt - now <= marginMs;
}

/** True once the refresh token has less than `WARN_BEFORE_MS` left: the user must sign in again soon. */
export function refreshTokenExpiring(
  tokens: Pick<Tokens, 'refreshIssuedAt'>,
  now: number,
  validityMs = REFRESH_VALIDITY_MS,
): boolean {
  return tokens.refreshIssuedAt + validityMs - now <= WARN_BEFORE_MS;
}

/** Runs `work` once for all callers that ask while it is in flight. */
export class SingleFlight<T> {
  private running: Promise<T> | undefined;
  run(work: () => Promise<T>): Promise<T> {
    return (this.running ??= work().finally(() => (this.running = undefined)));
  }
}

/** Claims of a JWT, without verifying it: the backend verifies; the client only reads expiry and names. */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Tokens from an InitiateAuth (or token endpoint) result. */
export function tokensFrom(
  result: { AccessToken?: string; IdToken?: string; RefreshToken?: string },
  previous?: Tokens,
  now = Date.now(),
): Tokens {
  if (!result.AccessToken) throw new Error('Cognito returned no access token');
  const access = jwtClaims(result.AccessToken);
  const id = result.IdToken ? jwtClaims(result.IdToken) : {};
  const refreshToken = result.RefreshToken ?? previous?.refreshToken;
  return {
    accessToken: result.AccessToken,
    ...(result.IdToken ? { idToken: result.IdToken } : {}),
    ...(refreshToken ? { refreshToken } : {}),
    expiresAt: Number(access.exp) * 1000,
    refreshIssuedAt: result.RefreshToken ? now : (previous?.refreshIssuedAt ?? now),
    sub: String(access.sub ?? ''),
    label: String(id.email ?? access.username ?? id['cognito:username'] ?? access.sub ?? 'Cognito user'),
  };
}
