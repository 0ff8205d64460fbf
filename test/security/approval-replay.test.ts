/**
 * Deciding one approval more than once, through the built server: the same toolUseId twice in one
 * request, approve and deny of one call together, a decision smuggled next to a new message, and
 * five racing requests. The deletion runs at most once, and only when approved.
 */
import assert from 'node:assert/strict';
import { textTurn, toolTurn } from '../fakes/bedrock';
import { useBackendStack } from '../support/stack';

describe('security: an approval is decided once (AUTH_MODE=none)', function () {
  const stack = useBackendStack({ auth: 'none' });

  async function pending(stackName: string, toolUseId: string): Promise<string> {
    stack.bedrock.enqueue(
      toolTurn([{ id: toolUseId, name: 'cloudformation_delete_stack', input: { stackName } }], 'Deleting. '),
    );
    const { events } = await stack.chat({ message: `delete ${stackName}` });
    assert.ok(events.some((e) => e.type === 'approval_required'));
    return (events[0] as { sessionId: string }).sessionId;
  }
  const deletes = () => stack.aws.calledWith('DeleteStack').length;
  const yes = (id: string, name: string) => ({
    toolUseId: id,
    decision: 'approve',
    confirmText: `DELETE ${name}`,
  });

  it('the same toolUseId approved twice in one request runs the call at most once', async () => {
    const sessionId = await pending('twice', 'tu-twice');
    stack.bedrock.enqueue(textTurn(['ok']), textTurn(['ok']));
    const reply = await stack.chat({
      sessionId,
      approvals: [yes('tu-twice', 'twice'), yes('tu-twice', 'twice')],
    });
    assert.ok(reply.status === 200 || reply.status === 400, String(reply.status));
    assert.ok(deletes() <= 1, `DeleteStack ran ${deletes()} times`);
  });

  it('approve and deny of one call in one request never runs it twice, and a later replay runs nothing', async () => {
    const sessionId = await pending('mixed', 'tu-mixed');
    stack.bedrock.enqueue(textTurn(['ok']), textTurn(['ok']));
    const first = await stack.chat({
      sessionId,
      approvals: [yes('tu-mixed', 'mixed'), { toolUseId: 'tu-mixed', decision: 'deny' }],
    });
    assert.ok(deletes() <= 1);
    stack.bedrock.enqueue(textTurn(['ok']));
    const replay = await stack.chat({ sessionId, approvals: [yes('tu-mixed', 'mixed')] });
    // A refused request decided nothing, so the call may still be approved once; a served one did.
    assert.equal(replay.status, first.status === 200 ? 400 : 200);
    assert.ok(deletes() <= 1);
  });

  it('an approval sent with a new message runs the call at most once, and not again after', async () => {
    const sessionId = await pending('withmsg', 'tu-msg');
    stack.bedrock.enqueue(textTurn(['ok']), textTurn(['ok']));
    const first = await stack.chat({
      sessionId,
      message: 'also do this',
      approvals: [yes('tu-msg', 'withmsg')],
    });
    assert.ok(deletes() <= 1);
    const replay = await stack.chat({ sessionId, approvals: [yes('tu-msg', 'withmsg')] });
    if (first.status === 200) assert.equal(replay.status, 400);
    assert.ok(deletes() <= 1, `DeleteStack ran ${deletes()} times`);
  });

  it('five racing approvals of one call: exactly one runs it', async () => {
    const sessionId = await pending('race5', 'tu-race5');
    for (let i = 0; i < 5; i++) stack.bedrock.enqueue(textTurn(['ok']));
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => stack.chat({ sessionId, approvals: [yes('tu-race5', 'race5')] })),
    );
    assert.equal(replies.filter((r) => r.status === 200).length, 1);
    assert.equal(deletes(), 1);
  });

  it('an approval naming a session id with odd characters is refused before anything runs', async () => {
    await pending('odd', 'tu-odd');
    for (const sessionId of ['../x', 'a#S#b', 'a b', 'é', 'a'.repeat(101), '']) {
      const reply = await stack.invoke({ action: 'chat', sessionId, approvals: [yes('tu-odd', 'odd')] });
      assert.equal(reply.status, 400, sessionId);
    }
    assert.equal(deletes(), 0);
  });
});
