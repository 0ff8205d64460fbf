import assert from 'node:assert/strict';
import {
  createToolCredentials,
  stsIdentity,
  tagValue,
} from '../../../../backend/src/core/tools/assumed-role';
import type { Actor } from '../../../../backend/src/core/auth/authenticator';
import { AwsFake } from '../../../fakes/aws';

const ROLE = 'arn:aws:iam::123456789012:role/tools';
const alice: Actor = { actorId: 'sub-alice', username: 'alice@example.com', authMode: 'cognito', groups: [] };
const bob: Actor = { actorId: 'sub-bob', username: 'bob', authMode: 'cognito', groups: [] };

describe('tools in a role assumed for the person (TOOLS_ROLE_ARN)', () => {
  const aws = new AwsFake();
  let saved: string | undefined;
  before(async () => {
    await aws.start();
    saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = aws.url;
  });
  after(async () => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
    await aws.stop();
  });
  beforeEach(() => aws.reset());

  const host = async () => ({ accessKeyId: 'AKIDHOST', secretAccessKey: 'host-secret' });

  it('names the user in SourceIdentity and the user and approver in session tags', async () => {
    const forUser = createToolCredentials({ roleArn: ROLE, region: 'us-east-1', credentials: host });
    const creds = await forUser(alice, {
      sub: 'sub-alice',
      name: 'alice@example.com',
      at: '2026-12-06T00:00:00Z',
    })();
    assert.match(creds.accessKeyId, /^ASIAFAKE/);
    assert.ok(creds.expiration instanceof Date);
    const [call] = aws.calledWith('AssumeRole');
    assert.equal(call!['RoleArn'], ROLE);
    assert.equal(call!['SourceIdentity'], 'alice@example.com');
    assert.equal(call!['RoleSessionName'], 'alice@example.com');
    assert.equal(call!['DurationSeconds'], '3600');
    assert.deepEqual(
      [
        call!['Tags.member.1.Key'],
        call!['Tags.member.1.Value'],
        call!['Tags.member.2.Key'],
        call!['Tags.member.2.Value'],
      ],
      ['cloud-engineer:user', 'alice@example.com', 'cloud-engineer:approver', 'alice@example.com'],
    );
  });

  it('caches per user until shortly before expiry, and never mixes users', async () => {
    let now = Date.now();
    const forUser = createToolCredentials({
      roleArn: ROLE,
      region: 'us-east-1',
      credentials: host,
      now: () => now,
    });
    const a1 = await forUser(alice)();
    const a2 = await forUser(alice)();
    const b1 = await forUser(bob)();
    assert.equal(a1.accessKeyId, a2.accessKeyId);
    assert.notEqual(a1.accessKeyId, b1.accessKeyId);
    assert.equal(aws.calledWith('AssumeRole').length, 2);
    // 56 minutes on: within five minutes of expiry, renewed.
    now += 56 * 60_000;
    const a3 = await forUser(alice)();
    assert.notEqual(a3.accessKeyId, a1.accessKeyId);
    assert.equal(aws.calledWith('AssumeRole').length, 3);
  });

  it('assumes once for concurrent first calls of one user', async () => {
    const forUser = createToolCredentials({ roleArn: ROLE, region: 'us-east-1', credentials: host });
    const all = await Promise.all(Array.from({ length: 20 }, () => forUser(alice)()));
    assert.equal(new Set(all.map((c) => c.accessKeyId)).size, 1);
    assert.equal(aws.calledWith('AssumeRole').length, 1);
  });

  it('names the person by the e-mail the pool holds, not the token’s generated username', async () => {
    const forUser = createToolCredentials({ roleArn: ROLE, region: 'us-east-1', credentials: host });
    const carol: Actor = {
      actorId: 'sub-carol',
      username: '7f9e2c4a-0b1d-4e5f-8a9b-0c1d2e3f4a5b',
      name: 'carol@example.com',
      authMode: 'cognito',
      groups: [],
    };
    await forUser(carol, { sub: 'sub-carol', name: 'carol@example.com', at: '2026-12-06T00:00:00Z' })();
    const [call] = aws.calledWith('AssumeRole');
    assert.equal(call!['SourceIdentity'], 'carol@example.com');
    assert.equal(call!['RoleSessionName'], 'carol@example.com');
    assert.equal(call!['Tags.member.1.Value'], 'carol@example.com');
    // Without a name from the pool, the token's username is what there is.
    await forUser({ ...carol, actorId: 'sub-dave', name: undefined } as Actor)();
    assert.equal(aws.calledWith('AssumeRole')[1]!['SourceIdentity'], carol.username);
  });

  it('makes any name fit what STS allows', () => {
    assert.equal(stsIdentity('Jane Doe <jane@example.com>'), 'Jane-Doe--jane@example.com-');
    assert.equal(stsIdentity('aws:admin'), 'u-aws-admin');
    assert.equal(stsIdentity('x'), 'x-');
    assert.equal(stsIdentity('ü'.repeat(100)).length, 64);
    assert.match(stsIdentity('a\u0000b\r\nc;DROP'), /^[\w+=,.@-]{2,64}$/);
    assert.equal(tagValue('name\u0000with\ncontrol'), 'name-with-control');
    assert.equal(tagValue('x'.repeat(300)).length, 256);
  });
});
