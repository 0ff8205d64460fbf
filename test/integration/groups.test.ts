/**
 * Who may do what, driven through cognito-local's real groups at HTTP level on the built server:
 * ALLOWED_GROUPS decides who may use the agent, APPROVER_GROUPS who may approve a change, and the
 * approver is on record (by e-mail, not the token's generated username) with the call, in the
 * change set and in the tools' AWS session. Then what an attacker would try.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StreamEvent } from '../../backend/src/protocol';
import { textTurn, toolTurn } from '../fakes/bedrock';
import {
  attackerKey,
  claimsOf,
  forgeToken,
  poolPublicKeyPem,
  resignToken,
  tamperSignature,
  type TestUser,
} from '../support/cognito';
import { plannedIn, planWebTurn } from '../support/plan-change';
import { useBackendStack } from '../support/stack';

const ROLE = 'arn:aws:iam::123456789012:role/cloud-engineer-tools';
type Result = Extract<StreamEvent, { type: 'tool_result' }>;

/** Names like the approver group's (case, spaces, Cyrillic `а`, full-width `ａ`, a suffix), none of them it. */
const APPROVER_LOOKALIKES = [
  'Approvers',
  ' approvers',
  'approvers ',
  'аpprovers',
  'ａpprovers',
  'approvers-old',
];
const USER_LOOKALIKES = ['Engineers', ' engineers', 'engineers ', 'еngineers'];

describe('groups: who may use the agent and who may approve', function () {
  this.timeout(60_000);
  const stack = useBackendStack({
    auth: 'cognito',
    // As the deployed stack passes them: both groups may use the agent.
    env: { ALLOWED_GROUPS: 'engineers,approvers', APPROVER_GROUPS: 'approvers', TOOLS_ROLE_ARN: ROLE },
  });
  const names = ['outsider', 'lookalikeUser', 'viewer', 'approver', 'approver2', 'lookalike'] as const;
  const users = {} as Record<(typeof names)[number], TestUser>;
  const tokens = {} as Record<(typeof names)[number], string>;
  const n = Date.now();

  before(async () => {
    for (const g of ['engineers', 'approvers', ...APPROVER_LOOKALIKES, ...USER_LOOKALIKES])
      await stack.cognito.createGroup(g);
    for (const name of names) users[name] = await stack.cognito.createUser(`${name}-${n}@example.com`);
    for (const g of USER_LOOKALIKES) await stack.cognito.addToGroup(users.lookalikeUser, g);
    await stack.cognito.addToGroup(users.viewer, 'engineers');
    await stack.cognito.addToGroup(users.approver, 'approvers');
    await stack.cognito.addToGroup(users.approver2, 'approvers');
    await stack.cognito.addToGroup(users.lookalike, 'engineers');
    for (const g of APPROVER_LOOKALIKES) await stack.cognito.addToGroup(users.lookalike, g);
    for (const name of names) tokens[name] = (await stack.cognito.signIn(users[name])).AccessToken;
  });

  /** A chat in which the model plans a stack change; returns the session and the card. */
  async function planChange(token: string, id: string) {
    stack.bedrock.enqueue(planWebTurn(id));
    const { status, events } = await stack.chat({ message: 'plan the web stack' }, token);
    assert.equal(status, 200);
    return plannedIn(events);
  }

  const decide = (token: string, sessionId: string, toolUseId: string, decision: 'approve' | 'deny') =>
    stack.invoke({ action: 'chat', sessionId, approvals: [{ toolUseId, decision }] }, token);

  it('refuses every action to a user outside ALLOWED_GROUPS, naming the groups that grant access', async () => {
    for (const who of ['outsider', 'lookalikeUser'] as const)
      for (const body of [
        { action: 'listSessions' },
        { action: 'whoami' },
        { action: 'listTasks' },
        { action: 'chat', message: 'hi' },
        { action: 'getSession', sessionId: 'x' },
      ]) {
        const response = await stack.invoke(body, tokens[who]);
        assert.equal(response.status, 403, `${who} ${JSON.stringify(body)}`);
        assert.equal(response.json.error.code, 'forbidden');
        assert.match(response.json.error.message, /"engineers", "approvers"/);
      }
    assert.equal(stack.bedrock.requests.length, 0, 'the model was never called');
  });

  it('tells each user their groups, whether they may approve, and whom to ask; named by e-mail', async () => {
    const viewer = await stack.invoke({ action: 'whoami' }, tokens.viewer);
    assert.deepEqual(viewer.json, {
      actorId: claimsOf(tokens.viewer).sub,
      username: users.viewer.email,
      authMode: 'cognito',
      groups: ['engineers'],
      canApprove: false,
      approverGroups: ['approvers'],
    });
    // The token's own username is the pool's generated id, not the e-mail.
    assert.notEqual(claimsOf(tokens.viewer).username, users.viewer.email);
    const approver = await stack.invoke({ action: 'whoami' }, tokens.approver);
    assert.deepEqual(
      [approver.json.groups, approver.json.canApprove, approver.json.username],
      [['approvers'], true, users.approver.email],
    );
    const lookalike = await stack.invoke({ action: 'whoami' }, tokens.lookalike);
    assert.equal(lookalike.json.canApprove, false);
    assert.deepEqual(lookalike.json.groups.slice().sort(), ['engineers', ...APPROVER_LOOKALIKES].sort());
  });

  it('lets a viewer chat and deny, never approve; the card names the approver group; the call does not run', async () => {
    const { sessionId, card } = await planChange(tokens.viewer, 'tu-v1');
    assert.equal(card.canApprove, false);
    assert.deepEqual(card.approverGroups, ['approvers']);
    const approve = await decide(tokens.viewer, sessionId, 'tu-v1', 'approve');
    assert.equal(approve.status, 403);
    assert.equal(approve.json.error.code, 'forbidden');
    assert.match(approve.json.error.message, /"approvers"/);
    assert.deepEqual(stack.aws.calledWith('CreateChangeSet'), []);
    // Still pending, and the viewer may deny it.
    stack.bedrock.enqueue(textTurn(['Left as it is.']));
    const deny = await stack.chat(
      { sessionId, approvals: [{ toolUseId: 'tu-v1', decision: 'deny' }] },
      tokens.viewer,
    );
    assert.equal(deny.status, 200);
    const result = deny.events.find((e): e is Result => e.type === 'tool_result')!;
    assert.equal(result.status, 'denied');
    assert.equal(result.approvedBy, undefined, 'a denial names no approver');
    assert.deepEqual(stack.aws.calledWith('CreateChangeSet'), []);
  });

  it('does not take a group named like the approver group (case, spaces, look-alike letters, suffix) for it', async () => {
    const { sessionId, card } = await planChange(tokens.lookalike, 'tu-l1');
    assert.equal(card.canApprove, false);
    const approve = await decide(tokens.lookalike, sessionId, 'tu-l1', 'approve');
    assert.equal(approve.status, 403);
    assert.deepEqual(stack.aws.calledWith('CreateChangeSet'), []);
  });

  it('runs an approver’s approved call under their e-mail: in the result, the store, the change set and the AWS session', async () => {
    const { sessionId, card } = await planChange(tokens.approver, 'tu-a1');
    assert.equal(card.canApprove, true);
    assert.equal(card.approverGroups, undefined);
    stack.bedrock.enqueue(textTurn(['Planned.']));
    const approved = await stack.chat(
      { sessionId, approvals: [{ toolUseId: 'tu-a1', decision: 'approve' }] },
      tokens.approver,
    );
    assert.equal(approved.status, 200);
    const who = claimsOf(tokens.approver);
    const email = users.approver.email;
    const result = approved.events.find((e): e is Result => e.type === 'tool_result')!;
    assert.equal(result.status, 'success');
    assert.equal(result.approvedBy?.sub, who.sub);
    assert.equal(result.approvedBy?.name, email);
    assert.match(result.approvedBy!.at, /^\d{4}-\d\d-\d\dT/);

    const [created] = stack.aws.calledWith('CreateChangeSet');
    assert.ok(created, 'the change set was created');
    assert.equal(created['ChangeSetType'], 'CREATE');
    assert.match(created['Description'], new RegExp(`approved by ${email} at \\d{4}-`));
    // A new stack takes its tags from the change set: it carries the approver too.
    assert.equal(created['Tags.member.1.Key'], 'cloud-engineer:approved-by');
    assert.equal(created['Tags.member.1.Value'], email);
    assert.equal(created['Tags.member.2.Key'], undefined);

    // The tools ran in the tools role, assumed for this person.
    const sessions = stack.aws.calledWith('AssumeRole');
    assert.ok(sessions.length > 0, 'AssumeRole was called');
    assert.ok(
      sessions.every((p) => p['SourceIdentity'] === email && p['RoleArn'] === ROLE),
      'every tool call ran as the person, named by e-mail',
    );
    const assumed = sessions.find((p) => p['Tags.member.2.Key'])!;
    assert.ok(assumed, 'the approved call ran in a session that names the approver');
    const tags = Object.fromEntries(
      [1, 2].map((i) => [assumed[`Tags.member.${i}.Key`], assumed[`Tags.member.${i}.Value`]]),
    );
    assert.deepEqual(tags, { 'cloud-engineer:user': email, 'cloud-engineer:approver': email });

    const got = await stack.invoke({ action: 'getSession', sessionId }, tokens.approver);
    const call = got.json.turns
      .flatMap((t: any) => t.toolCalls ?? [])
      .find((c: any) => c.id === 'tu-a1' && c.status !== 'pending');
    assert.deepEqual(call.approvedBy, result.approvedBy);
  });

  it('updates an existing stack keeping its own tags, the earlier approver replaced by this one', async () => {
    stack.aws.stacks.set('web', {
      name: 'web',
      status: 'UPDATE_COMPLETE',
      tags: [
        { key: 'team', value: 'payments' },
        { key: 'cloud-engineer:approved-by', value: 'someone-before@example.com' },
        { key: 'cost-center', value: '42' },
      ],
    });
    const { sessionId } = await planChange(tokens.approver2, 'tu-u1');
    stack.bedrock.enqueue(textTurn(['Planned.']));
    const approved = await stack.chat(
      { sessionId, approvals: [{ toolUseId: 'tu-u1', decision: 'approve' }] },
      tokens.approver2,
    );
    assert.equal(approved.status, 200);
    const [created] = stack.aws.calledWith('CreateChangeSet');
    assert.equal(created!['ChangeSetType'], 'UPDATE');
    const tags = [1, 2, 3, 4].map((i) => [
      created![`Tags.member.${i}.Key`],
      created![`Tags.member.${i}.Value`],
    ]);
    assert.deepEqual(tags, [
      ['team', 'payments'],
      ['cost-center', '42'],
      ['cloud-engineer:approved-by', users.approver2.email],
      [undefined, undefined],
    ]);
  });

  it('records the token’s username when the pool’s e-mail is not verified (it could be anyone’s)', async () => {
    const unverified = await stack.cognito.createUser(`unverified-${n}@example.com`, undefined, {
      verified: false,
    });
    await stack.cognito.addToGroup(unverified, 'approvers');
    const token = (await stack.cognito.signIn(unverified)).AccessToken;
    const who = await stack.invoke({ action: 'whoami' }, token);
    assert.equal(who.json.username, claimsOf(token).username);
    assert.notEqual(who.json.username, unverified.email);
  });

  it('decides by the token of each request: an approver who left the group can no longer approve', async () => {
    const leaver = await stack.cognito.createUser(`leaver-${n}@example.com`);
    await stack.cognito.addToGroup(leaver, 'engineers');
    await stack.cognito.addToGroup(leaver, 'approvers');
    const before = (await stack.cognito.signIn(leaver)).AccessToken;
    const { sessionId, card } = await planChange(before, 'tu-r1');
    assert.equal(card.canApprove, true);
    await stack.cognito.removeFromGroup(leaver, 'approvers');
    const after = (await stack.cognito.signIn(leaver)).AccessToken;
    const replay = await decide(after, sessionId, 'tu-r1', 'approve');
    assert.equal(replay.status, 403);
    assert.deepEqual(stack.aws.calledWith('CreateChangeSet'), []);
  });

  describe('forged groups: every token the pool did not sign is a 401, whatever groups it claims', () => {
    const grant = (c: Record<string, unknown>) => void (c['cognito:groups'] = ['engineers', 'approvers']);
    let jku: ReturnType<typeof createServer>;
    let jkuHits = 0;
    let jkuUrl = '';
    before(async () => {
      // The attacker's own key set, where a `jku` header points: the backend must never fetch it.
      const jwk = {
        ...attackerKey().publicKey.export({ format: 'jwk' }),
        kid: 'attacker',
        alg: 'RS256',
        use: 'sig',
      };
      jku = createServer((_req, res) => {
        jkuHits++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((r) => jku.listen(0, '127.0.0.1', r));
      jkuUrl = `http://127.0.0.1:${(jku.address() as AddressInfo).port}/.well-known/jwks.json`;
    });
    after(() => new Promise<void>((r) => jku.close(() => r())));

    const forgeries: [string, () => string][] = [
      [
        'the pool’s own token with groups added (signature no longer matches)',
        () => tamperSignature(resignToken(tokens.outsider, grant)),
      ],
      [
        'signed with the attacker’s RSA key under the pool key’s kid',
        () => forgeToken(tokens.outsider, grant, { alg: 'RS256', typ: 'JWT', kid: 'CognitoLocal' }),
      ],
      [
        'signed with the attacker’s RSA key under a kid the JWKS does not hold',
        () => forgeToken(tokens.outsider, grant, { alg: 'RS256', typ: 'JWT', kid: 'attacker' }),
      ],
      [
        'alg none, no signature',
        () => forgeToken(tokens.outsider, grant, { alg: 'none', typ: 'JWT', kid: 'CognitoLocal' }),
      ],
      ['alg none without a kid', () => forgeToken(tokens.outsider, grant, { alg: 'none' })],
      [
        'the attacker’s public key embedded as a jwk header',
        () =>
          forgeToken(tokens.outsider, grant, {
            alg: 'RS256',
            kid: 'CognitoLocal',
            jwk: attackerKey().publicKey.export({ format: 'jwk' }),
          }),
      ],
      [
        'a jku header pointing at the attacker’s key set',
        () => forgeToken(tokens.outsider, grant, { alg: 'RS256', kid: 'attacker', jku: jkuUrl }),
      ],
      [
        'HS256 keyed with the pool’s public key (algorithm confusion)',
        () =>
          forgeToken(
            tokens.outsider,
            grant,
            { alg: 'HS256', kid: 'CognitoLocal' },
            { hmacKey: poolPublicKeyPem() },
          ),
      ],
    ];
    for (const [name, token] of forgeries)
      it(name, async () => {
        const response = await stack.invoke({ action: 'whoami' }, token());
        assert.equal(response.status, 401, response.text);
        assert.equal(response.json.error.code, 'unauthorized');
        const chat = await stack.invoke({ action: 'chat', message: 'hi' }, token());
        assert.equal(chat.status, 401);
        assert.equal(stack.bedrock.requests.length, 0);
        assert.equal(jkuHits, 0, 'the jku address was never fetched');
      });

    it('an id token (it carries the groups too, but is not an access token)', async () => {
      const idToken = (await stack.cognito.signIn(users.approver)).IdToken;
      assert.deepEqual(claimsOf(idToken)['cognito:groups'], ['approvers']);
      assert.equal((await stack.invoke({ action: 'whoami' }, idToken)).status, 401);
    });
  });

  it('races an approver and a viewer on one pending call: it runs once, for the approver; the viewer never reaches the session', async () => {
    const { sessionId } = await planChange(tokens.approver, 'tu-c1');
    stack.aws.reset();
    stack.bedrock.enqueue(textTurn(['Planned.']));
    const [approver, viewerApprove, viewerDeny, otherApprover] = await Promise.all([
      stack.chat({ sessionId, approvals: [{ toolUseId: 'tu-c1', decision: 'approve' }] }, tokens.approver),
      decide(tokens.viewer, sessionId, 'tu-c1', 'approve'),
      decide(tokens.viewer, sessionId, 'tu-c1', 'deny'),
      decide(tokens.approver2, sessionId, 'tu-c1', 'approve'),
    ]);
    assert.equal(approver.status, 200);
    // Refused before the session is looked up: it tells nothing of the approver's session.
    assert.equal(viewerApprove.status, 403);
    // Sessions are private: to anyone else the approver's session does not exist.
    assert.equal(viewerDeny.status, 404);
    assert.equal(otherApprover.status, 404);
    assert.equal(stack.aws.calledWith('CreateChangeSet').length, 1);
    const result = approver.events.find((e): e is Result => e.type === 'tool_result')!;
    assert.equal(result.approvedBy?.name, users.approver.email);
  });

  it('runs a call approved twice at once by the same approver exactly once', async () => {
    const { sessionId } = await planChange(tokens.approver, 'tu-d1');
    stack.aws.reset();
    stack.bedrock.enqueue(textTurn(['Planned.']));
    stack.bedrock.enqueue(textTurn(['Planned again?']));
    const both = await Promise.all(
      [1, 2].map(() =>
        stack.chat({ sessionId, approvals: [{ toolUseId: 'tu-d1', decision: 'approve' }] }, tokens.approver),
      ),
    );
    assert.equal(both.filter((r) => r.status === 200).length, 1);
    const refused = both.find((r) => r.status !== 200)!;
    assert.ok([400, 409].includes(refused.status), String(refused.status));
    assert.equal(stack.aws.calledWith('CreateChangeSet').length, 1);
  });
});

describe('groups under TOOLS_MODE=read-only: read-only wins', function () {
  this.timeout(60_000);
  const stack = useBackendStack({
    auth: 'cognito',
    env: { ALLOWED_GROUPS: 'engineers,approvers', APPROVER_GROUPS: 'approvers', TOOLS_MODE: 'read-only' },
  });

  it('an approver may not approve anything, the model gets no change tool, an outsider is still refused', async () => {
    await stack.cognito.createGroup('approvers');
    const approver = await stack.cognito.createUser('ro-approver@example.com');
    const outsider = await stack.cognito.createUser('ro-outsider@example.com');
    await stack.cognito.addToGroup(approver, 'approvers');
    const token = (await stack.cognito.signIn(approver)).AccessToken;
    const who = await stack.invoke({ action: 'whoami' }, token);
    assert.equal(who.json.canApprove, false);
    assert.equal(
      (await stack.invoke({ action: 'whoami' }, (await stack.cognito.signIn(outsider)).AccessToken)).status,
      403,
    );
    stack.bedrock.enqueue(
      toolTurn([{ id: 'tu-ro', name: 'cloudformation_delete_stack', input: { stackName: 'web' } }]),
    );
    stack.bedrock.enqueue(textTurn(['I cannot change anything here.']));
    const chat = await stack.chat({ message: 'delete web' }, token);
    assert.equal(chat.status, 200);
    assert.ok(!chat.events.some((e) => e.type === 'approval_required'), 'no card in read-only mode');
    const offered = JSON.stringify(stack.bedrock.requests[0]);
    assert.ok(!offered.includes('cloudformation_delete_stack'), 'the model is never offered a change tool');
    assert.deepEqual(stack.aws.calledWith('DeleteStack'), []);
  });
});
