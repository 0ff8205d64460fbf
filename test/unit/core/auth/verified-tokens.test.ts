import assert from 'node:assert/strict';
import type { Actor, Authenticator } from '../../../../backend/src/core/auth/authenticator';
import { rememberVerifiedTokens } from '../../../../backend/src/core/auth/verified-tokens';
import { UnauthorizedError } from '../../../../backend/src/core/errors';

const NOW = 1_800_000_000_000;

/** A JWT-shaped token (the cache reads only `exp`; the authenticator under it decides validity). */
/** `exp: null`: a token without one. */
function token(sub: string, exp: number | null = NOW / 1000 + 3600, extra = ''): string {
  const payload = Buffer.from(JSON.stringify({ sub, ...(exp !== null ? { exp } : {}) })).toString(
    'base64url',
  );
  return `eyJhbGciOiJSUzI1NiJ9.${payload}.sig${extra}`;
}

/** Accepts the tokens in `valid` (by whole string), counting every verification. */
function counting(valid: Set<string>) {
  const calls: string[] = [];
  const auth: Authenticator = {
    async authenticate(header) {
      const t = header!.slice('Bearer '.length);
      calls.push(t);
      if (!valid.has(t)) throw new UnauthorizedError('token rejected: bad signature');
      const sub = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).sub as string;
      return { actorId: sub, authMode: 'cognito', groups: ['g'] } satisfies Actor;
    },
  };
  return { auth, calls };
}

describe('rememberVerifiedTokens', () => {
  let now: number;
  beforeEach(() => (now = NOW));

  it('verifies a token once and answers its later requests with the same actor', async () => {
    const a = token('alice');
    const { auth, calls } = counting(new Set([a]));
    const cached = rememberVerifiedTokens(auth, { now: () => now });
    const first = await cached.authenticate(`Bearer ${a}`);
    const second = await cached.authenticate(`Bearer ${a}`);
    assert.equal(first.actorId, 'alice');
    assert.equal(second, first);
    assert.equal(calls.length, 1);
    assert.ok(
      Object.isFrozen(first) && Object.isFrozen(first.groups),
      'no request can change it for the next',
    );
  });

  it('verifies any other string afresh, however close to a remembered token', async () => {
    const a = token('alice');
    const { auth, calls } = counting(new Set([a]));
    const cached = rememberVerifiedTokens(auth, { now: () => now });
    await cached.authenticate(`Bearer ${a}`);
    for (const forged of [`${a}x`, a.slice(0, -1), token('alice', undefined, 'X'), a.toUpperCase()])
      await assert.rejects(cached.authenticate(`Bearer ${forged}`), UnauthorizedError);
    assert.equal(calls.length, 5);
  });

  it('never remembers a rejected token', async () => {
    const bad = token('mallory');
    const { auth, calls } = counting(new Set());
    const cached = rememberVerifiedTokens(auth, { now: () => now });
    await assert.rejects(cached.authenticate(`Bearer ${bad}`), UnauthorizedError);
    await assert.rejects(cached.authenticate(`Bearer ${bad}`), UnauthorizedError);
    assert.equal(calls.length, 2);
  });

  it('checks the token again once it has expired, and after at most maxAgeMs', async () => {
    const soon = token('alice', NOW / 1000 + 60);
    const later = token('bob', NOW / 1000 + 3600);
    const valid = new Set([soon, later]);
    const { auth, calls } = counting(valid);
    const cached = rememberVerifiedTokens(auth, { now: () => now, maxAgeMs: 600_000 });
    await cached.authenticate(`Bearer ${soon}`);
    await cached.authenticate(`Bearer ${later}`);
    now += 61_000;
    valid.delete(soon); // the real verifier refuses an expired token
    await assert.rejects(cached.authenticate(`Bearer ${soon}`), UnauthorizedError);
    await cached.authenticate(`Bearer ${later}`);
    assert.equal(calls.length, 3, 'the unexpired token is still remembered');
    now += 600_000;
    await cached.authenticate(`Bearer ${later}`);
    assert.equal(calls.length, 4, 'and checked again after maxAgeMs');
  });

  it('does not remember a token without an expiry', async () => {
    const forever = token('alice', null);
    const { auth, calls } = counting(new Set([forever]));
    const cached = rememberVerifiedTokens(auth, { now: () => now });
    await cached.authenticate(`Bearer ${forever}`);
    await cached.authenticate(`Bearer ${forever}`);
    assert.equal(calls.length, 2);
  });

  it('holds at most maxEntries tokens, dropping the least recently used', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((s) => token(s));
    const { auth, calls } = counting(new Set([a!, b!, c!]));
    const cached = rememberVerifiedTokens(auth, { now: () => now, maxEntries: 2 });
    for (const t of [a, b, a, c]) await cached.authenticate(`Bearer ${t}`);
    assert.equal(calls.length, 3);
    await cached.authenticate(`Bearer ${a}`);
    assert.equal(calls.length, 3, 'a was used last: still there');
    await cached.authenticate(`Bearer ${b}`);
    assert.equal(calls.length, 4, 'b was the least recently used: gone');
  });

  it('passes a missing or malformed header to the authenticator, which refuses it', async () => {
    const { auth, calls } = counting(new Set());
    const cached = rememberVerifiedTokens(
      {
        authenticate: async (h) => {
          calls.push(String(h));
          throw new UnauthorizedError('missing bearer token');
        },
      },
      { now: () => now },
    );
    void auth;
    for (const header of [undefined, '', 'Basic abc', 'Bearer', 'Bearer a b'])
      await assert.rejects(cached.authenticate(header), UnauthorizedError);
    assert.equal(calls.length, 5);
  });
});
