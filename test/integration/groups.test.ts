/**
 * Who may do what, driven through cognito-local's real groups at HTTP level on the built server:
 * ALLOWED_GROUPS decides who may use the agent, APPROVER_GROUPS who may approve a change, and the
 * approver is on record with the call, in the change set and in the tools' AWS session.
 */
import assert from 'node:assert/strict';
import type { StreamEvent } from '../../backend/src/protocol';
import { textTurn, toolTurn } from '../fakes/bedrock';
import { resignToken, tamperSignature, type TestUser } from '../support/cognito';
import { useBackendStack } from '../support/stack';

const ROLE = 'arn:aws:iam::123456789012:role/cloud-engineer-tools';

describe('groups: who may use the agent and who may approve', function () {
  this.timeout(60_000);
  const stack = useBackendStack({
    auth: 'cognito',
    env: { ALLOWED_GROUPS: 'engineers', APPROVER_GROUPS: 'approvers', TOOLS_ROLE_ARN: ROLE },
  });
  const users: Record<'outsider' | 'viewer' | 'approver' | 'lookalike', TestUser> = {} as never;
  const tokens: Record<string, string> = {};
  const n = Date.now();

  before(async () => {
    for (const g of ['engineers', 'approvers', 'Approvers', 'approvers-old'])
      await stack.cognito.createGroup(g);
    users.outsider = await stack.cognito.createUser(`outsider-${n}@example.com`);
    users.viewer = await stack.cognito.createUser(`viewer-${n}@example.com`);
    users.approver = await stack.cognito.createUser(`approver-${n}@example.com`);
    users.lookalike = await stack.cognito.createUser(`lookalike-${n}@example.com`);
    await stack.cognito.addToGroup(users.viewer, 'engineers');
    await stack.cognito.addToGroup(users.approver, 'approvers');
    // Names like the approver group's, but not it: group names compare exactly.
    await stack.cognito.addToGroup(users.lookalike, 'engineers');
    await stack.cognito.addToGroup(users.lookalike, 'Approvers');
    await stack.cognito.addToGroup(users.lookalike, 'approvers-old');
    for (const [name, user] of Object.entries(users))
      tokens[name] = (await stack.cognito.signIn(user)).AccessToken;
  });

  /** A chat in which the model plans a stack change; returns the session and the card. */
  async function planChange(token: string, id: string) {
    stack.bedrock.enqueue(
      toolTurn([
        {
          id,
          name: 'cloudformation_plan_change',
          input: { stackName: 'web', templateBody: 'Resources: {}' },
        },
      ]),
    );
    const { status, events } = await stack.chat({ message: 'plan the web stack' }, token);
    assert.equal(status, 200);
    const card = events.find((e) => e.type === 'approval_required') as Extract<
      StreamEvent,
      { type: 'approval_required' }
    >;
    return { sessionId: (events[0] as { sessionId: string }).sessionId, card };
  }

  it('refuses every action to a user outside ALLOWED_GROUPS, naming the group that grants access', async () => {
    for (const body of [
      { action: 'listSessions' },
      { action: 'whoami' },
      { action: 'listTasks' },
      { action: 'chat', message: 'hi' },
      { action: 'getSession', sessionId: 'x' },
    ]) {
      const response = await stack.invoke(body, tokens.outsider);
      assert.equal(response.status, 403, JSON.stringify(body));
      assert.equal(response.json.error.code, 'forbidden');
      assert.match(response.json.error.message, /"engineers"/);
    }
    assert.equal(stack.bedrock.requests.length, 0, 'the model was never called');
  });

  it('tells each user their groups and whether they may approve', async () => {
    const viewer = await stack.invoke({ action: 'whoami' }, tokens.viewer);
    assert.deepEqual([viewer.json.groups, viewer.json.canApprove], [['engineers'], false]);
    const approver = await stack.invoke({ action: 'whoami' }, tokens.approver);
    assert.deepEqual([approver.json.groups, approver.json.canApprove], [['approvers'], true]);
    const lookalike = await stack.invoke({ action: 'whoami' }, tokens.lookalike);
    assert.equal(lookalike.json.canApprove, false);
  });

  it('lets a viewer chat and deny, never approve; the call does not run', async () => {
    const { sessionId, card } = await planChange(tokens.viewer, 'tu-v1');
    assert.equal(card.canApprove, false);
    const approve = await stack.invoke(
      { action: 'chat', sessionId, approvals: [{ toolUseId: 'tu-v1', decision: 'approve' }] },
      tokens.viewer,
    );
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
    assert.deepEqual(stack.aws.calledWith('CreateChangeSet'), []);
  });

  it('does not take a group named like the approver group (case, suffix) for it', async () => {
    const { sessionId, card } = await planChange(tokens.lookalike, 'tu-l1');
    assert.equal(card.canApprove, false);
    const approve = await stack.invoke(
      { action: 'chat', sessionId, approvals: [{ toolUseId: 'tu-l1', decision: 'approve' }] },
      tokens.lookalike,
    );
    assert.equal(approve.status, 403);
    assert.deepEqual(stack.aws.calledWith('CreateChangeSet'), []);
  });

  it('runs an approver’s approved call under their name: stored, in the change set, in the AWS session', async () => {
    const { sessionId, card } = await planChange(tokens.approver, 'tu-a1');
    assert.equal(card.canApprove, true);
    stack.bedrock.enqueue(textTurn(['Planned.']));
    const approved = await stack.chat(
      { sessionId, approvals: [{ toolUseId: 'tu-a1', decision: 'approve' }] },
      tokens.approver,
    );
    assert.equal(approved.status, 200);
    const [created] = stack.aws.calledWith('CreateChangeSet');
    assert.ok(created, 'the change set was created');
    const who = JSON.parse(Buffer.from(tokens.approver!.split('.')[1]!, 'base64url').toString()) as {
      sub: string;
      username: string;
    };
    assert.match(created['Description'], new RegExp(`approved by ${who.username} at \\d{4}-`));
    assert.equal(created['Tags.member.1.Key'], 'cloud-engineer:approved-by');
    assert.equal(created['Tags.member.1.Value'], who.username);

    // The tools ran in the tools role, assumed for this person.
    const sessions = stack.aws.calledWith('AssumeRole');
    assert.ok(sessions.length > 0, 'AssumeRole was called');
    assert.ok(
      sessions.every((p) => p['SourceIdentity'] && p['RoleArn'] === ROLE),
      'every tool call ran as the person',
    );
    const assumed = sessions.find((p) => p['Tags.member.2.Key'])!;
    assert.ok(assumed, 'the approved call ran in a session that names the approver');
    assert.equal(assumed['RoleArn'], ROLE);
    assert.equal(assumed['SourceIdentity'], who.username.replace(/[^\w+=,.@-]/g, '-'));
    const tags = Object.fromEntries(
      [1, 2].map((i) => [assumed[`Tags.member.${i}.Key`], assumed[`Tags.member.${i}.Value`]]),
    );
    assert.deepEqual(tags, { 'cloud-engineer:user': who.username, 'cloud-engineer:approver': who.username });

    const got = await stack.invoke({ action: 'getSession', sessionId }, tokens.approver);
    const call = got.json.turns
      .flatMap((t: any) => t.toolCalls ?? [])
      .find((c: any) => c.id === 'tu-a1' && c.status !== 'pending');
    assert.equal(call.approvedBy.sub, who.sub);
    assert.equal(call.approvedBy.name, who.username);
    assert.match(call.approvedBy.at, /^\d{4}-\d\d-\d\dT/);
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
    const replay = await stack.invoke(
      { action: 'chat', sessionId, approvals: [{ toolUseId: 'tu-r1', decision: 'approve' }] },
      after,
    );
    assert.equal(replay.status, 403);
    assert.deepEqual(stack.aws.calledWith('CreateChangeSet'), []);
  });

  it('refuses forged groups: a claim added to a token without the pool’s signature, or an id token', async () => {
    const forged = tamperSignature(
      resignToken(tokens.outsider!, (claims) => void (claims['cognito:groups'] = ['engineers', 'approvers'])),
    );
    assert.equal((await stack.invoke({ action: 'whoami' }, forged)).status, 401);
    // An id token carries the groups too, but it is not an access token.
    const idToken = (await stack.cognito.signIn(users.approver)).IdToken;
    assert.equal((await stack.invoke({ action: 'whoami' }, idToken)).status, 401);
  });

  it('races an approver and a viewer on one pending call: it runs once, for the approver only', async () => {
    const { sessionId } = await planChange(tokens.approver, 'tu-c1');
    stack.aws.reset();
    stack.bedrock.enqueue(textTurn(['Planned.']));
    const decide = (token: string) =>
      stack.invoke(
        { action: 'chat', sessionId, approvals: [{ toolUseId: 'tu-c1', decision: 'approve' }] },
        token,
      );
    const [approver, viewer] = await Promise.all([decide(tokens.approver!), decide(tokens.viewer!)]);
    assert.equal(approver.status, 200);
    // Refused before the session is even looked up (403), so it tells nothing of the approver's session.
    assert.equal(viewer.status, 403);
    assert.equal(stack.aws.calledWith('CreateChangeSet').length, 1);
  });
});
