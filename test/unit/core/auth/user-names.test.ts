/**
 * The approver's name for the record: the pool's e-mail for the user, read with AdminGetUser
 * (against a wire stand-in of the user pool API), cached per user, bounded, and never in the way:
 * a failing or slow look-up records the token's username instead.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  cognitoUserNames,
  nameOf,
  personName,
  poolRegion,
} from '../../../../backend/src/core/auth/user-names';

interface Pool {
  /** Attributes by username; a missing one answers UserNotFoundException. */
  users: Map<string, Record<string, string>>;
  calls: { target: string; body: any; authorization: string }[];
  /** Answer this status with an error body instead (e.g. 400 AccessDenied). */
  failWith?: { status: number; type: string };
  hang?: boolean;
}

describe('the approver’s name: the pool’s e-mail, read once per user (AdminGetUser)', () => {
  let server: Server;
  let endpoint = '';
  const pool: Pool = { users: new Map(), calls: [] };
  before(async () => {
    server = createServer(async (req, res) => {
      let text = '';
      for await (const c of req) text += c;
      pool.calls.push({
        target: String(req.headers['x-amz-target']),
        body: JSON.parse(text),
        authorization: String(req.headers.authorization),
      });
      if (pool.hang) return; // never answers
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      if (pool.failWith)
        return reply(pool.failWith.status, { __type: pool.failWith.type, message: 'not allowed' });
      const attributes = pool.users.get(JSON.parse(text).Username);
      if (!attributes)
        return reply(400, { __type: 'UserNotFoundException', message: 'User does not exist.' });
      reply(200, {
        Username: JSON.parse(text).Username,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    pool.users.clear();
    pool.calls.length = 0;
    delete pool.failWith;
    pool.hang = false;
  });

  const credentials = async () => ({ accessKeyId: 'AKIDHOST', secretAccessKey: 'host-secret' });
  const lookup = (extra: Partial<Parameters<typeof cognitoUserNames>[0]> = {}) =>
    cognitoUserNames({ userPoolId: 'eu-west-1_Pool1', region: 'eu-west-1', endpoint, credentials, ...extra });

  it('asks the pool for the token’s username and records the verified e-mail, once per user', async () => {
    pool.users.set('9b1f-uuid', { sub: 'sub-1', email: 'alice@example.com', email_verified: 'true' });
    const names = lookup();
    const all = await Promise.all(Array.from({ length: 10 }, () => names('9b1f-uuid', 'sub-1')));
    assert.deepEqual(new Set(all), new Set(['alice@example.com']));
    assert.equal(await names('9b1f-uuid', 'sub-1'), 'alice@example.com');
    assert.equal(pool.calls.length, 1, 'one request for ten concurrent sign-ins and a later one');
    assert.equal(pool.calls[0]!.target, 'AWSCognitoIdentityProviderService.AdminGetUser');
    assert.deepEqual(pool.calls[0]!.body, { UserPoolId: 'eu-west-1_Pool1', Username: '9b1f-uuid' });
    assert.match(
      pool.calls[0]!.authorization,
      /^AWS4-HMAC-SHA256 Credential=AKIDHOST\/\d{8}\/eu-west-1\/cognito-idp\//,
    );
  });

  it('records no e-mail that is not the person’s: unverified, or odd', async () => {
    pool.users.set('u-unverified', { email: 'ceo@example.com', email_verified: 'false' });
    pool.users.set('u-none', { email: 'x@example.com' });
    pool.users.set('u-newline', { email: 'a@example.com\nforged', email_verified: 'true' });
    pool.users.set('u-long', { email: `${'a'.repeat(300)}@example.com`, email_verified: 'true' });
    pool.users.set('u-noemail', { name: 'Alice', email_verified: 'true' });
    const names = lookup();
    for (const u of ['u-unverified', 'u-none', 'u-newline', 'u-long', 'u-noemail'])
      assert.equal(await names(u, `sub-${u}`), undefined, u);
  });

  it('takes a federated user’s e-mail: the company’s provider sets it at each sign-in', async () => {
    pool.users.set('CompanySSO_abc123', {
      email: 'bob@corp.example',
      identities: '[{"providerName":"CompanySSO","userId":"abc123"}]',
    });
    assert.equal(await lookup()('CompanySSO_abc123', 'sub-bob'), 'bob@corp.example');
  });

  it('falls back (undefined) when the look-up is refused, tells why, and retries after five minutes', async () => {
    pool.failWith = { status: 400, type: 'AccessDeniedException' };
    let now = 1_000_000;
    const errors: unknown[] = [];
    const names = lookup({ now: () => now, onError: (e) => errors.push(e) });
    assert.equal(await names('u1', 'sub-1'), undefined);
    assert.equal((errors[0] as Error).name, 'AccessDeniedException');
    delete pool.failWith;
    pool.users.set('u1', { email: 'u1@example.com', email_verified: 'true' });
    now += 4 * 60_000;
    assert.equal(await names('u1', 'sub-1'), undefined, 'not asked again within five minutes');
    now += 2 * 60_000;
    assert.equal(await names('u1', 'sub-1'), 'u1@example.com');
  });

  it('never holds a request up past its timeout', async () => {
    pool.hang = true;
    const started = Date.now();
    assert.equal(await lookup({ timeoutMs: 200 })('u1', 'sub-1'), undefined);
    assert.ok(Date.now() - started < 2000);
  });

  it('re-reads a name after an hour (an e-mail can change)', async () => {
    pool.users.set('u1', { email: 'old@example.com', email_verified: 'true' });
    let now = 0;
    const names = lookup({ now: () => now });
    assert.equal(await names('u1', 'sub-1'), 'old@example.com');
    pool.users.set('u1', { email: 'new@example.com', email_verified: 'true' });
    now += 59 * 60_000;
    assert.equal(await names('u1', 'sub-1'), 'old@example.com');
    now += 2 * 60_000;
    assert.equal(await names('u1', 'sub-1'), 'new@example.com');
  });

  it('remembers a bounded number of people, the least recently seen going first', async () => {
    for (const u of ['a', 'b', 'c']) pool.users.set(u, { email: `${u}@example.com`, email_verified: 'true' });
    const names = lookup({ maxCached: 2 });
    await names('a', 'sub-a');
    await names('b', 'sub-b');
    await names('a', 'sub-a'); // seen again: b is now the oldest
    await names('c', 'sub-c'); // b goes
    assert.equal(pool.calls.length, 3);
    await names('a', 'sub-a');
    assert.equal(pool.calls.length, 3, 'a stayed');
    await names('b', 'sub-b');
    assert.equal(pool.calls.length, 4, 'b was read again');
  });

  it('names a pool’s region from its id, and none for an emulator’s', () => {
    assert.equal(poolRegion('eu-west-1_AbC123'), 'eu-west-1');
    assert.equal(poolRegion('us-gov-west-1_x'), 'us-gov-west-1');
    assert.equal(poolRegion('local_3PSJGqm2'), undefined);
  });

  it('records the e-mail, else the token’s username, else the sub', () => {
    const base = { actorId: 'sub-1', authMode: 'cognito' as const };
    assert.equal(personName({ ...base, username: 'uuid', name: 'a@example.com' }), 'a@example.com');
    assert.equal(personName({ ...base, username: 'uuid' }), 'uuid');
    assert.equal(personName(base), 'sub-1');
    assert.equal(
      nameOf([
        { Name: 'email', Value: ' a@example.com ' },
        { Name: 'email_verified', Value: 'true' },
      ]),
      'a@example.com',
    );
  });
});
