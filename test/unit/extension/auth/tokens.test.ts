import assert from 'node:assert/strict';
import { challengeFor, authorizeUrl, domainUrl } from '../../../../extension/auth/pkce';
import {
  MIN_REFRESH_DELAY_MS,
  needsRefresh,
  REFRESH_SKEW_MS,
  refreshDelay,
  refreshTokenExpiring,
  SingleFlight,
  tokensFrom,
  WARN_BEFORE_MS,
  REFRESH_VALIDITY_MS,
} from '../../../../extension/auth/tokens';

const jwt = (claims: Record<string, unknown>) =>
  `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

describe('token timing', () => {
  const now = 1_800_000_000_000;

  it('refreshes five minutes before expiry', () => {
    assert.equal(refreshDelay({ expiresAt: now + 60 * 60_000 }, now), 60 * 60_000 - REFRESH_SKEW_MS);
  });

  it('refreshes at once when already inside the skew, and never sooner than 30 s when just outside it', () => {
    assert.equal(refreshDelay({ expiresAt: now + REFRESH_SKEW_MS - 1 }, now), 0);
    assert.equal(refreshDelay({ expiresAt: now + REFRESH_SKEW_MS + 5_000 }, now), MIN_REFRESH_DELAY_MS);
  });

  it('treats a token with a minute or less left as needing refresh before a request', () => {
    assert.equal(needsRefresh({ expiresAt: now + 61_000 }, now), false);
    assert.equal(needsRefresh({ expiresAt: now + 60_000 }, now), true);
  });

  it('warns once the refresh token has three days left', () => {
    const issued = now - (REFRESH_VALIDITY_MS - WARN_BEFORE_MS) - 1;
    assert.equal(refreshTokenExpiring({ refreshIssuedAt: issued }, now), true);
    assert.equal(refreshTokenExpiring({ refreshIssuedAt: now - 86_400_000 }, now), false);
  });

  it('runs one refresh for all callers in flight, and a new one after', async () => {
    const flight = new SingleFlight<number>();
    let calls = 0;
    const work = () => new Promise<number>((resolve) => setTimeout(() => resolve(++calls), 20));
    assert.deepEqual(await Promise.all([flight.run(work), flight.run(work), flight.run(work)]), [1, 1, 1]);
    assert.equal(await flight.run(work), 2);
  });

  it('reads expiry and a label from the tokens, and keeps the refresh token across refreshes', () => {
    const first = tokensFrom(
      {
        AccessToken: jwt({ sub: 's-1', exp: 2000, username: 'u-1' }),
        IdToken: jwt({ email: 'a@example.com' }),
        RefreshToken: 'r-1',
      },
      undefined,
      1000,
    );
    assert.deepEqual(
      [first.expiresAt, first.sub, first.label, first.refreshToken, first.refreshIssuedAt],
      [2_000_000, 's-1', 'a@example.com', 'r-1', 1000],
    );
    const refreshed = tokensFrom({ AccessToken: jwt({ sub: 's-1', exp: 5000 }) }, first, 4000);
    assert.deepEqual(
      [refreshed.expiresAt, refreshed.refreshToken, refreshed.refreshIssuedAt],
      [5_000_000, 'r-1', 1000],
    );
  });
});

describe('hosted UI with PKCE', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', () => {
    assert.equal(
      challengeFor('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('builds the authorize URL on the configured domain', () => {
    const url = new URL(
      authorizeUrl(
        'myapp.auth.us-east-1.amazoncognito.com',
        'client-1',
        'vscode://cloud-engineer.cloud-engineer/auth',
        'chal',
        'st',
      ),
    );
    assert.equal(
      url.origin + url.pathname,
      'https://myapp.auth.us-east-1.amazoncognito.com/oauth2/authorize',
    );
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'vscode://cloud-engineer.cloud-engineer/auth',
      code_challenge: 'chal',
      code_challenge_method: 'S256',
      state: 'st',
      scope: 'openid email profile',
    });
    assert.throws(() => domainUrl('http://insecure.example.com'), /must be https/);
  });
});
