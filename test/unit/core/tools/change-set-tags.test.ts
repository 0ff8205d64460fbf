/**
 * The approver on record where AWS keeps it: a change set's description and its
 * `cloud-engineer:approved-by` tag. Tags given to a change set replace the stack's, so an update
 * keeps every tag the stack has; a new stack is created with the approver's tag.
 */
import assert from 'node:assert/strict';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import {
  APPROVED_BY_TAG,
  cloudformationPlanChange,
  withApproverTag,
} from '../../../../backend/src/core/tools/cloudformation/change';
import type { ToolContext } from '../../../../backend/src/core/tools/types';

const approved: ToolContext = {
  actorId: 'sub-a',
  region: 'us-east-1',
  signal: new AbortController().signal,
  approver: { sub: 'sub-a', name: 'alice@example.com', at: '2026-12-06T10:00:00.000Z' },
};

describe('change sets carry the approver', () => {
  // Made when the suite runs, and restored after: another file mocks the same client class.
  const mockCfn = () => mockClient(CloudFormationClient);
  let cfn: ReturnType<typeof mockCfn>;
  before(() => (cfn = mockCfn()));
  after(() => cfn.restore());
  afterEach(() => cfn.reset());
  const plan = (input: Record<string, unknown>, context = approved) =>
    cloudformationPlanChange.run(
      cloudformationPlanChange.inputSchema.parse({
        stackName: 'web',
        templateBody: 'Resources: {}',
        ...input,
      }),
      context,
    );
  const created = () => cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;

  beforeEach(() => cfn.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE', Changes: [] }));

  it('CREATE: the new stack’s only tag names the approver; the description says who and when', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id web does not exist'), { name: 'ValidationError' }));
    await plan({ description: 'Add a bucket' });
    assert.equal(created().ChangeSetType, 'CREATE');
    assert.deepEqual(created().Tags, [{ Key: APPROVED_BY_TAG, Value: 'alice@example.com' }]);
    assert.equal(
      created().Description,
      'Add a bucket (approved by alice@example.com at 2026-12-06T10:00:00.000Z)',
    );
  });

  it('UPDATE: every tag the stack has is kept, the earlier approver replaced', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'web',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Tags: [
            { Key: 'team', Value: 'payments' },
            { Key: APPROVED_BY_TAG, Value: 'bob@example.com' },
            { Key: 'env', Value: 'prod' },
          ],
        },
      ],
    });
    await plan({});
    assert.equal(created().ChangeSetType, 'UPDATE');
    assert.deepEqual(created().Tags, [
      { Key: 'team', Value: 'payments' },
      { Key: 'env', Value: 'prod' },
      { Key: APPROVED_BY_TAG, Value: 'alice@example.com' },
    ]);
  });

  it('a stack at CloudFormation’s 50 tags keeps them all; the description still names the approver', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));
    assert.deepEqual(withApproverTag(fifty, approved), fifty);
    const withOld = [...fifty.slice(0, 49), { Key: APPROVED_BY_TAG, Value: 'bob' }];
    assert.deepEqual(withApproverTag(withOld, approved).at(-1), {
      Key: APPROVED_BY_TAG,
      Value: 'alice@example.com',
    });
    assert.equal(withApproverTag(withOld, approved).length, 50);
  });

  it('keeps the description within 1,024 characters and the tag within what tags allow', async () => {
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id web does not exist'));
    const odd: ToolContext = {
      ...approved,
      approver: { sub: 's', name: 'eve <eve@x>;\n', at: '2026-12-06T10:00:00.000Z' },
    };
    await plan({ description: 'd'.repeat(1024) }, odd);
    assert.equal(created().Description!.length, 1024);
    assert.match(created().Description!, / \(approved by eve -eve@x--- at 2026-12-06T10:00:00\.000Z\)$/);
    assert.deepEqual(created().Tags, [{ Key: APPROVED_BY_TAG, Value: 'eve -eve@x---' }]);
  });

  it('without an approver (never for a change, which always waits for one) no tag is sent', async () => {
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id web does not exist'));
    const { approver: _none, ...unapproved } = approved;
    await plan({}, unapproved);
    assert.equal(created().Tags, undefined);
    assert.equal(created().Description, 'Planned by Cloud Engineer');
  });
});
