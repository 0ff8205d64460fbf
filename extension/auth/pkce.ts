/** The hosted-UI authorization-code flow with PKCE (RFC 7636), minus the editor parts. */
import { createHash, randomBytes } from 'node:crypto';
import { identityProviderProblem } from './identity-provider';
import { tokensFrom, type Tokens } from './tokens';

export function createPkce(): { verifier: string; challenge: string; state: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: challengeFor(verifier), state: randomBytes(16).toString('base64url') };
}

export function challengeFor(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** `domain` as configured: a bare host (myapp.auth.us-east-1.amazoncognito.com) or an https URL. */
export function domainUrl(domain: string): URL {
  const url = new URL(/^https?:\/\//.test(domain) ? domain : `https://${domain}`);
  if (url.protocol !== 'https:') throw new Error('cloudEngineer.cognito.domain must be https');
  return url;
}

export class IdentityProviderError extends Error {
  override readonly name = 'IdentityProviderError';
}

/**
 * The hosted UI's authorize URL. With `identityProvider` Cognito skips its own page and sends the
 * user straight to that company provider; the name is checked (it comes from a file or a setting)
 * and, like every value, percent-encoded, so nothing in it can add or replace a parameter.
 */
export function authorizeUrl(
  domain: string,
  clientId: string,
  redirectUri: string,
  challenge: string,
  state: string,
  identityProvider?: string,
): string {
  const provider = identityProvider?.trim();
  const problem = provider ? identityProviderProblem(provider) : undefined;
  if (problem)
    throw new IdentityProviderError(`cloudEngineer.cognito.identityProvider is not usable: ${problem}.`);
  const url = new URL('/oauth2/authorize', domainUrl(domain));
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    scope: 'openid email profile',
    ...(provider ? { identity_provider: provider } : {}),
  }).toString();
  return url.toString();
}

export async function exchangeCode(
  domain: string,
  clientId: string,
  code: string,
  verifier: string,
  redirectUri: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Tokens> {
  const response = await fetchImpl(new URL('/oauth2/token', domainUrl(domain)), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
    }).toString(),
  });
  if (!response.ok) throw new Error(`The Cognito token endpoint answered ${response.status}.`);
  const json = (await response.json()) as {
    access_token?: string;
    id_token?: string;
    refresh_token?: string;
  };
  return tokensFrom({
    AccessToken: json.access_token,
    IdToken: json.id_token,
    RefreshToken: json.refresh_token,
  });
}
