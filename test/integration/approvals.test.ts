import assert from 'node:assert/strict';
import type { StreamEvent } from '../../backend/src/protocol';
import { FAKE_IDENTITY } from '../fakes/aws';
import { textTurn, toolTurn } from '../fakes/bedrock';
import { useBackendStack, types } from '../support/stack';

type Approval = { toolUseId: string; decision: 'approve' | 'deny'; confirmText?: string };
/** Read-only calls made while asking for an approval: the account it runs in, the templates it changes. */
const READS_FOR_REVIEW = ['GetCallerIdentity', 'GetTemplate'];

describe('approvals: no change to AWS without an approval of that exact call', function () {
  const stack = useBackendStack({ auth: 'none' });

  /** A chat whose model asks to delete `stackName`; returns the session id. */
  async function askToDelete(
    stackName: string,
    toolUseId: string,
  ): Promise<{ sessionId: string; events: StreamEvent[] }> {
    stack.bedrock.enqueue(
      toolTurn(
        [{ id: toolUseId, name: 'cloudformation_delete_stack', input: { stackName } }],
        'I will delete it. ',
      ),
    );
    const { events } = await stack.chat({ message: `delete ${stackName}` });
    return { sessionId: (events[0] as { sessionId: string }).sessionId, events };
  }
  const approve = (sessionId: string, approvals: Approval[]) =>
    stack.invoke({ action: 'chat', sessionId, approvals });

  it('stops the turn and stores the pending call; nothing runs', async () => {
    const { sessionId, events } = await askToDelete('old-stack', 'tu-del-1');
    assert.deepEqual(types(events), ['session', 'text', 'tool_call', 'approval_required', 'usage', 'done']);
    assert.deepEqual(
      events.find((e) => e.type === 'approval_required'),
      {
        type: 'approval_required',
        id: 'tu-del-1',
        name: 'cloudformation_delete_stack',
        input: { stackName: 'old-stack' },
        reason:
          'cloudformation_delete_stack deletes AWS resources. Type "DELETE old-stack" to approve this exact call.',
        confirmText: 'DELETE old-stack',
        target: { account: FAKE_IDENTITY.account, region: 'us-east-1' },
        canApprove: true,
      },
    );
    assert.deepEqual(events.at(-1), { type: 'done', stopReason: 'approval_required' });
    assert.deepEqual(stack.aws.calledWith('DeleteStack'), []);
    const got = await stack.invoke({ action: 'getSession', sessionId });
    assert.deepEqual(got.json.turns[1].toolCalls, [
      {
        id: 'tu-del-1',
        name: 'cloudformation_delete_stack',
        input: { stackName: 'old-stack' },
        status: 'pending',
        readOnly: false,
        confirmText: 'DELETE old-stack',
        target: { account: FAKE_IDENTITY.account, region: 'us-east-1' },
      },
    ]);
  });

  it('refuses a deletion without the typed confirmation, or with the wrong one', async () => {
    const { sessionId } = await askToDelete('old-stack', 'tu-del-2');
    for (const confirmText of [undefined, 'DELETE other-stack', 'delete old-stack']) {
      const response = await approve(sessionId, [
        { toolUseId: 'tu-del-2', decision: 'approve', ...(confirmText ? { confirmText } : {}) },
      ]);
      assert.equal(response.status, 400);
      assert.equal(
        response.json.error.message,
        'approving cloudformation_delete_stack needs confirmText "DELETE old-stack"',
      );
    }
    assert.deepEqual(stack.aws.calledWith('DeleteStack'), []);
    assert.equal(stack.bedrock.requests.length, 1, 'the model was not called again');
  });

  it('runs the stored call once it is approved, and never again', async () => {
    const { sessionId } = await askToDelete('old-stack', 'tu-del-3');
    stack.bedrock.enqueue(textTurn(['Deletion of old-stack has started.']));
    const approval: Approval[] = [
      { toolUseId: 'tu-del-3', decision: 'approve', confirmText: 'DELETE old-stack' },
    ];
    const { status, events } = await stack.chat({ sessionId, approvals: approval });
    assert.equal(status, 200);
    assert.deepEqual(types(events), ['session', 'tool_result', 'text', 'usage', 'done']);
    const { approvedBy, ...result } = events[1] as Extract<(typeof events)[number], { type: 'tool_result' }>;
    assert.deepEqual(result, {
      type: 'tool_result',
      id: 'tu-del-3',
      name: 'cloudformation_delete_stack',
      status: 'success',
      summary: '{"stackName":"old-stack","deleteStarted":true}',
    });
    // The one local user approved it: on record as `local`, at the time of the decision.
    assert.equal(approvedBy?.sub, 'local');
    assert.match(approvedBy?.at ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(
      stack.aws.calledWith('DeleteStack').map((p) => p.StackName),
      ['old-stack'],
    );
    // The model continued from its own toolUse with the result.
    const messages = stack.bedrock.requests[1]!.body.messages;
    assert.equal(messages.at(-2).content.at(-1).toolUse.toolUseId, 'tu-del-3');
    assert.equal(messages.at(-1).content[0].toolResult.toolUseId, 'tu-del-3');

    const replay = await approve(sessionId, approval);
    assert.equal(replay.status, 400);
    assert.equal(replay.json.error.message, 'no tool call of this session is waiting for approval');
    assert.equal(stack.aws.calledWith('DeleteStack').length, 1, 'a replayed approval runs nothing');

    const got = await stack.invoke({ action: 'getSession', sessionId });
    assert.deepEqual(
      got.json.turns.map((t: any) => [t.role, t.text]),
      [
        ['user', 'delete old-stack'],
        ['assistant', 'I will delete it. '],
        ['user', 'Approved cloudformation_delete_stack (tu-del-3).'],
        ['assistant', 'Deletion of old-stack has started.'],
      ],
    );
  });

  it('returns a denial to the model as a denied result', async () => {
    stack.bedrock.enqueue(
      toolTurn([
        {
          id: 'tu-plan',
          name: 'cloudformation_plan_change',
          input: { stackName: 'web', templateBody: 'Resources: {}' },
        },
      ]),
      textTurn(['Understood, I did not change anything.']),
    );
    const first = await stack.chat({ message: 'create the web stack' });
    const sessionId = (first.events[0] as { sessionId: string }).sessionId;
    assert.equal(first.events.find((e) => e.type === 'approval_required')!.type, 'approval_required');
    const { events } = await stack.chat({
      sessionId,
      approvals: [{ toolUseId: 'tu-plan', decision: 'deny' }],
    });
    assert.deepEqual(events[1], {
      type: 'tool_result',
      id: 'tu-plan',
      name: 'cloudformation_plan_change',
      status: 'denied',
      summary: 'Denied by the user.',
      output: 'The user denied this call. It did not run. Do not retry it; ask the user how to proceed.',
    });
    const result = stack.bedrock.requests[1]!.body.messages.at(-1).content[0].toolResult;
    assert.equal(result.status, 'error');
    assert.match(result.content[0].text, /The user denied this call\. It did not run\./);
    assert.deepEqual(
      stack.aws.calls.map((c) => c.action).filter((a) => !READS_FOR_REVIEW.includes(a)),
      [],
      'no AWS call but the reads the approval card shows',
    );
    const got = await stack.invoke({ action: 'getSession', sessionId });
    assert.equal(got.json.turns[3].toolCalls[0].status, 'denied');
  });

  it("refuses an approval for another session's call, an unknown id, or a session with nothing waiting", async () => {
    const a = await askToDelete('stack-a', 'tu-a');
    const b = await askToDelete('stack-b', 'tu-b');
    const cross = await approve(b.sessionId, [
      { toolUseId: 'tu-a', decision: 'approve', confirmText: 'DELETE stack-a' },
    ]);
    assert.equal(cross.status, 400);
    assert.equal(cross.json.error.message, 'toolUseId tu-a is not waiting for approval in this session');
    const unknown = await approve(a.sessionId, [{ toolUseId: 'tu-nope', decision: 'approve' }]);
    assert.equal(unknown.status, 400);
    stack.bedrock.enqueue(textTurn(['hello']));
    const plain = await stack.chat({ message: 'hi' });
    const nothing = await approve((plain.events[0] as { sessionId: string }).sessionId, [
      { toolUseId: 'tu-a', decision: 'approve' },
    ]);
    assert.equal(nothing.status, 400);
    const noSession = await stack.invoke({
      action: 'chat',
      approvals: [{ toolUseId: 'tu-a', decision: 'approve' }],
    });
    assert.equal(noSession.status, 400);
    assert.deepEqual(stack.aws.calledWith('DeleteStack'), []);
  });

  it('lets exactly one of two racing approvals run the call', async () => {
    const { sessionId } = await askToDelete('raced', 'tu-race');
    stack.bedrock.enqueue(textTurn(['done']), textTurn(['done']));
    const approval: Approval[] = [{ toolUseId: 'tu-race', decision: 'approve', confirmText: 'DELETE raced' }];
    const results = await Promise.all([
      stack.chat({ sessionId, approvals: approval }),
      stack.chat({ sessionId, approvals: approval }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400]);
    assert.equal(stack.aws.calledWith('DeleteStack').length, 1);
  });

  it('a new message instead of a decision leaves the call unrun and no longer approvable', async () => {
    const { sessionId } = await askToDelete('kept', 'tu-kept');
    stack.bedrock.enqueue(textTurn(['OK, I will not delete it.']));
    await stack.chat({ sessionId, message: 'actually, keep it' });
    // The model never sees a toolUse without its result: the pending call is dropped from the history.
    const history = stack.bedrock.requests[1]!.body.messages;
    assert.ok(!JSON.stringify(history).includes('toolUse'));
    const late = await approve(sessionId, [
      { toolUseId: 'tu-kept', decision: 'approve', confirmText: 'DELETE kept' },
    ]);
    assert.equal(late.status, 400);
    assert.deepEqual(stack.aws.calledWith('DeleteStack'), []);
  });
});

describe('TOOLS_MODE=read-only', function () {
  const stack = useBackendStack({ auth: 'none', env: { TOOLS_MODE: 'read-only' } });

  it('offers the model no mutating tool, and refuses one it names anyway', async () => {
    stack.bedrock.enqueue(
      toolTurn([{ id: 'tu-x', name: 'cloudformation_delete_stack', input: { stackName: 'prod' } }]),
      textTurn(['ok']),
    );
    const { events } = await stack.chat({ message: 'delete prod' });
    const offered = stack.bedrock.requests[0]!.body.toolConfig.tools.map((t: any) => t.toolSpec.name);
    assert.ok(offered.includes('aws_read'));
    assert.deepEqual(
      offered.filter((n: string) => /plan_change|execute_change_set|delete_stack/.test(n)),
      [],
    );
    assert.ok(!events.some((e) => e.type === 'approval_required'));
    const result = events.find((e) => e.type === 'tool_result') as Extract<
      StreamEvent,
      { type: 'tool_result' }
    >;
    assert.equal(result.status, 'error');
    assert.match(result.summary, /no tool named "cloudformation_delete_stack"/);
    assert.deepEqual(stack.aws.calledWith('DeleteStack'), []);
  });
});
