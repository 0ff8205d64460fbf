import assert from 'node:assert/strict';
import { templateAsYaml } from '../../backend/src/core/tools/cloudformation/template-yaml';
import type { StreamEvent } from '../../backend/src/protocol';
import { FAKE_IDENTITY } from '../fakes/aws';
import { toolTurn } from '../fakes/bedrock';
import { useBackendStack } from '../support/stack';

type ApprovalEvent = Extract<StreamEvent, { type: 'approval_required' }>;

describe('approval cards say where a call runs and show a stack change’s templates', function () {
  const stack = useBackendStack({ auth: 'none' });
  const approvalOf = (events: StreamEvent[]) =>
    events.find((e): e is ApprovalEvent => e.type === 'approval_required')!;
  const deployed = JSON.stringify({ Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } });
  const proposed = JSON.stringify({
    Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { Versioning: { Status: 'Enabled' } } } },
  });

  it('plans a change with the account from STS, the region of the call, and both templates', async () => {
    stack.aws.templates.set('web', deployed);
    stack.bedrock.enqueue(
      toolTurn([
        {
          id: 'tu-plan-1',
          name: 'cloudformation_plan_change',
          input: { stackName: 'web', templateBody: proposed, region: 'eu-west-1' },
        },
      ]),
    );
    const { events } = await stack.chat({ message: 'turn on versioning' });
    const approval = approvalOf(events);
    assert.deepEqual(approval.target, { account: FAKE_IDENTITY.account, region: 'eu-west-1' });
    // Both sides arrive as YAML: the card and the diff never show an escaped JSON string.
    assert.deepEqual(approval.details, {
      template: {
        stackName: 'web',
        proposed: templateAsYaml(proposed),
        deployed: templateAsYaml(deployed),
        fromInput: true,
      },
    });
    assert.match(approval.details!.template!.proposed, /^Resources:\n/);
    assert.deepEqual(stack.aws.calledWith('GetTemplate'), [
      { Action: 'GetTemplate', Version: '2010-05-15', StackName: 'web', TemplateStage: 'Original' },
    ]);
    assert.deepEqual(stack.aws.calledWith('CreateChangeSet'), [], 'nothing planned before the approval');
    // A resumed card shows the same: the pending call keeps where it runs and the templates.
    const sessionId = (events[0] as { sessionId: string }).sessionId;
    const got = await stack.invoke({ action: 'getSession', sessionId });
    const pending = got.json.turns.at(-1).toolCalls[0];
    assert.deepEqual(pending.target, approval.target);
    assert.deepEqual(pending.details, approval.details);
  });

  it('executes a change set with the change set’s own template, an empty deployed side for a new stack', async () => {
    stack.aws.templates.set('fresh/cs-1', proposed);
    stack.bedrock.enqueue(
      toolTurn([
        {
          id: 'tu-exec-1',
          name: 'cloudformation_execute_change_set',
          input: { stackName: 'fresh', changeSetName: 'cs-1' },
        },
      ]),
    );
    const { events } = await stack.chat({ message: 'deploy it' });
    const approval = approvalOf(events);
    assert.deepEqual(approval.target, { account: FAKE_IDENTITY.account, region: 'us-east-1' });
    assert.deepEqual(approval.details?.template, {
      stackName: 'fresh',
      proposed: templateAsYaml(proposed),
      deployed: '',
    });
    assert.deepEqual(approval.details?.changes, [
      { action: 'Add', logicalId: 'Bucket', type: 'AWS::S3::Bucket' },
    ]);
    assert.deepEqual(stack.aws.calledWith('ExecuteChangeSet'), []);
  });
});
