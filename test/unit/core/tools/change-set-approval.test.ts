import assert from 'node:assert/strict';
import { CloudFormationClient, DescribeChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { StreamEvent } from '../../../../backend/src/protocol';
import { cloudformationExecuteChangeSet } from '../../../../backend/src/core/tools/cloudformation/change';
import { z } from 'zod';
import { TurnRecord } from '../../../../backend/src/core/agent/loop';
import { runToolCalls } from '../../../../backend/src/core/agent/tool-calls';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { defineTool, type ToolContext } from '../../../../backend/src/core/tools/types';

const context: ToolContext = { actorId: 'a', region: 'us-east-1', signal: new AbortController().signal };
const input = cloudformationExecuteChangeSet.inputSchema.parse({ stackName: 'web', changeSetName: 'cs-1' });

describe('approving a change set shows what it will do', () => {
  // A stub of our own, put back after: another suite holds an aws-sdk-client-mock of this client.
  let replies: (() => unknown)[] = [];
  const calls: DescribeChangeSetCommand[] = [];
  let original: CloudFormationClient['send'];
  before(() => {
    original = CloudFormationClient.prototype.send;
    CloudFormationClient.prototype.send = async function (command: unknown) {
      calls.push(command as DescribeChangeSetCommand);
      return replies.shift()!();
    } as CloudFormationClient['send'];
  });
  after(() => {
    CloudFormationClient.prototype.send = original;
  });
  afterEach(() => {
    replies = [];
    calls.length = 0;
  });

  it('lists every resource change across pages, with replacement, and every capability', async () => {
    const page = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => ({
        Type: 'Resource' as const,
        ResourceChange: {
          Action: i === 0 ? ('Modify' as const) : ('Add' as const),
          LogicalResourceId: `Res${from + i}`,
          ResourceType: 'AWS::S3::Bucket',
          Replacement: i === 0 ? ('True' as const) : undefined,
          PhysicalResourceId: i === 0 ? `bucket-${from}` : undefined,
        },
      }));
    replies = [
      () => ({
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
        Changes: page(100, 0),
        NextToken: 'p2',
      }),
      () => ({
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
        Changes: [
          ...page(1, 100),
          {
            Type: 'Resource',
            ResourceChange: {
              Action: 'Add',
              LogicalResourceId: 'Admin',
              ResourceType: 'AWS::IAM::User',
            },
          },
        ],
      }),
    ];
    const details = await cloudformationExecuteChangeSet.describeApproval!(input, context);
    assert.equal(details.changes!.length, 102);
    assert.deepEqual(details.changes![0], {
      action: 'Modify',
      logicalId: 'Res0',
      type: 'AWS::S3::Bucket',
      physicalId: 'bucket-0',
      replacement: 'True',
    });
    assert.deepEqual(details.changes!.at(-1), { action: 'Add', logicalId: 'Admin', type: 'AWS::IAM::User' });
    assert.deepEqual(details.capabilities, ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']);
    assert.equal(details.note, undefined);
    assert.equal(calls.length, 2);
    assert.ok(calls.every((c) => c instanceof DescribeChangeSetCommand));
    assert.deepEqual(calls[1]!.input, { StackName: 'web', ChangeSetName: 'cs-1', NextToken: 'p2' });
    // The details travel in the approval event, as the protocol declares them.
    const event = StreamEvent.parse({
      type: 'approval_required',
      id: 't',
      name: 'cloudformation_execute_change_set',
      input,
      reason: 'r',
      details,
    });
    assert.deepEqual(event.type === 'approval_required' && event.details, details);
  });

  it('says so when the change set cannot be described, instead of showing no changes', async () => {
    replies = [
      () => {
        throw Object.assign(new Error('ChangeSet [cs-1] does not exist'), {
          name: 'ChangeSetNotFoundException',
        });
      },
    ];
    const details = await cloudformationExecuteChangeSet.describeApproval!(input, context);
    assert.equal(details.changes, undefined);
    assert.match(details.note!, /could not be described \(ChangeSet \[cs-1\] does not exist\)/);
  });
});

describe('the approval event carries the details, and results their whole text', () => {
  const details = {
    changes: [{ action: 'Add', logicalId: 'Admin', type: 'AWS::IAM::User' }],
    capabilities: ['CAPABILITY_IAM'],
  };
  const tools = new ToolRegistry([
    defineTool({
      name: 'execute_thing',
      description: 'd',
      inputSchema: z.object({ id: z.string() }),
      readOnly: false,
      describeApproval: async () => details,
      run: async () => ({}),
    }),
    defineTool({
      name: 'read_thing',
      description: 'd',
      inputSchema: z.object({}),
      readOnly: true,
      run: async () => ({ rows: Array.from({ length: 50 }, (_, i) => `row-${i}`) }),
    }),
  ]);
  const drain = async (generator: AsyncGenerator<StreamEvent, unknown>) => {
    const events: StreamEvent[] = [];
    for (let next = await generator.next(); !next.done; next = await generator.next())
      events.push(next.value);
    return events;
  };

  it('puts what approving will do into approval_required and the stored pending call', async () => {
    const record = new TurnRecord();
    const events = await drain(
      runToolCalls([{ toolUseId: 't1', name: 'execute_thing', input: { id: 'x' } }], {
        tools,
        context,
        maxOutputChars: 10_000,
        record,
      }),
    );
    const approval = events.find((e) => e.type === 'approval_required');
    assert.deepEqual(approval?.type === 'approval_required' && approval.details, details);
    assert.deepEqual(record.toolCalls[0]!.details, details);
  });

  it('sends the whole result text with the short summary', async () => {
    const events = await drain(
      runToolCalls([{ toolUseId: 't2', name: 'read_thing', input: {} }], {
        tools,
        context,
        maxOutputChars: 10_000,
        record: new TurnRecord(),
      }),
    );
    const result = events.find((e) => e.type === 'tool_result');
    assert.ok(result?.type === 'tool_result');
    assert.ok(result.summary.length <= 200);
    assert.match(result.output!, /row-49/);
  });
});
