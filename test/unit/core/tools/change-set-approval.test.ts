import assert from 'node:assert/strict';
import {
  CloudFormationClient,
  DescribeChangeSetCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { StreamEvent } from '../../../../backend/src/protocol';
import { callerAccount } from '../../../../backend/src/core/agent/approval-target';
import {
  cloudformationExecuteChangeSet,
  cloudformationPlanChange,
} from '../../../../backend/src/core/tools/cloudformation/change';
import { MAX_TEMPLATE_CHARS } from '../../../../backend/src/core/tools/cloudformation/review-templates';
import { z } from 'zod';
import { runToolCalls, type ToolCallsOutcome } from '../../../../backend/src/core/agent/tool-calls';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { defineTool, type ToolContext } from '../../../../backend/src/core/tools/types';

const context: ToolContext = { actorId: 'a', region: 'us-east-1', signal: new AbortController().signal };
const input = cloudformationExecuteChangeSet.inputSchema.parse({ stackName: 'web', changeSetName: 'cs-1' });

describe('approving a change set shows what it will do', () => {
  // A stub of our own, put back after: another suite holds an aws-sdk-client-mock of this client.
  // DescribeChangeSet pages come from `replies` in order; the templates from `templates`.
  let replies: (() => unknown)[] = [];
  const calls: DescribeChangeSetCommand[] = [];
  const templateCalls: GetTemplateCommand[] = [];
  let templates: (input: GetTemplateCommand['input']) => unknown = () => ({ TemplateBody: '' });
  let original: CloudFormationClient['send'];
  before(() => {
    original = CloudFormationClient.prototype.send;
    CloudFormationClient.prototype.send = async function (command: unknown) {
      if (command instanceof GetTemplateCommand) {
        templateCalls.push(command);
        return templates(command.input);
      }
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
    templateCalls.length = 0;
    templates = () => ({ TemplateBody: '' });
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
    templates = () => {
      throw Object.assign(new Error('ChangeSet [cs-1] does not exist'), {
        name: 'ChangeSetNotFoundException',
      });
    };
    const details = await cloudformationExecuteChangeSet.describeApproval!(input, context);
    assert.equal(details.changes, undefined);
    assert.equal(details.template, undefined);
    assert.match(details.note!, /could not be described \(ChangeSet \[cs-1\] does not exist\)/);
    assert.match(details.note!, /proposed template could not be read/);
  });

  it('fetches the deployed template and the change set’s own, Original stage', async () => {
    replies = [() => ({ Changes: [] })];
    templates = (i) => ({
      TemplateBody: i.ChangeSetName ? '{"Resources":{"B":{}}}' : '{"Resources":{"A":{}}}',
    });
    const details = await cloudformationExecuteChangeSet.describeApproval!(input, context);
    // JSON templates arrive as YAML, so neither the card nor the diff shows an escaped string.
    assert.deepEqual(details.template, {
      stackName: 'web',
      proposed: 'Resources:\n  B: {}\n',
      deployed: 'Resources:\n  A: {}\n',
    });
    assert.deepEqual(
      templateCalls
        .map((c) => c.input)
        .sort((a, b) => String(a.ChangeSetName).localeCompare(String(b.ChangeSetName))),
      [
        { StackName: 'web', ChangeSetName: 'cs-1', TemplateStage: 'Original' },
        { StackName: 'web', TemplateStage: 'Original' },
      ],
    );
  });

  it('plans a new stack against an empty deployed side, with the input as the proposed template', async () => {
    const templateBody = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';
    templates = () => {
      throw Object.assign(new Error('Stack with id web does not exist'), { name: 'ValidationError' });
    };
    const plan = cloudformationPlanChange.inputSchema.parse({
      stackName: 'web',
      templateBody,
      region: 'eu-west-1',
    });
    const details = await cloudformationPlanChange.describeApproval!(plan, context);
    assert.deepEqual(details, {
      template: { stackName: 'web', proposed: templateBody, deployed: '', fromInput: true },
    });
    assert.deepEqual(
      templateCalls.map((c) => c.input),
      [{ StackName: 'web', TemplateStage: 'Original' }],
    );
  });

  it('offers no diff when the deployed template cannot be read, and says why', async () => {
    templates = () => {
      throw Object.assign(new Error('User is not authorized to perform cloudformation:GetTemplate'), {
        name: 'AccessDenied',
      });
    };
    const plan = cloudformationPlanChange.inputSchema.parse({ stackName: 'web', templateBody: '{}' });
    const details = await cloudformationPlanChange.describeApproval!(plan, context);
    assert.deepEqual(details.template, { stackName: 'web', proposed: '{}\n', fromInput: true });
    assert.match(details.note!, /deployed template could not be read \(User is not authorized/);
  });

  it('leaves out templates past the size bound rather than showing part of one', async () => {
    templates = () => ({ TemplateBody: 'x'.repeat(MAX_TEMPLATE_CHARS + 1) });
    const plan = cloudformationPlanChange.inputSchema.parse({ stackName: 'web', templateBody: '{}' });
    const details = await cloudformationPlanChange.describeApproval!(plan, context);
    assert.equal(details.template, undefined);
    assert.match(details.note!, /larger than 200 KB/);
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
      inputSchema: z.object({ id: z.string(), region: z.string().optional() }),
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
  const drain = async (generator: AsyncGenerator<StreamEvent, ToolCallsOutcome>) => {
    const events: StreamEvent[] = [];
    let next = await generator.next();
    for (; !next.done; next = await generator.next()) events.push(next.value);
    return Object.assign(events, { outcome: next.value });
  };

  it('puts what approving will do into approval_required and the stored pending call', async () => {
    const events = await drain(
      runToolCalls([{ toolUseId: 't1', name: 'execute_thing', input: { id: 'x' } }], {
        tools,
        context,
        maxOutputChars: 10_000,
      }),
    );
    const { outcome } = events;
    const approval = events.find((e) => e.type === 'approval_required');
    assert.deepEqual(approval?.type === 'approval_required' && approval.details, details);
    assert.deepEqual(outcome.toolCalls[0]!.details, details);
  });

  it('states the account (looked up by the context) and the region the call names', async () => {
    const events = await drain(
      runToolCalls([{ toolUseId: 't3', name: 'execute_thing', input: { id: 'x', region: 'eu-west-1' } }], {
        tools,
        context: { ...context, callerAccount: async () => '123456789012' },
        maxOutputChars: 10_000,
      }),
    );
    const { outcome } = events;
    const approval = events.find((e) => e.type === 'approval_required');
    const target = { account: '123456789012', region: 'eu-west-1' };
    assert.deepEqual(approval?.type === 'approval_required' && approval.target, target);
    assert.deepEqual(outcome.toolCalls[0]!.target, target);
    assert.deepEqual(StreamEvent.parse(approval), approval, 'the event is valid as the protocol declares it');
  });

  it('says "unknown account" when the look-up fails, with the default region', async () => {
    const events = await drain(
      runToolCalls([{ toolUseId: 't4', name: 'execute_thing', input: { id: 'x' } }], {
        tools,
        context: { ...context, callerAccount: async () => Promise.reject(new Error('ExpiredToken')) },
        maxOutputChars: 10_000,
      }),
    );
    const approval = events.find((e) => e.type === 'approval_required');
    assert.deepEqual(approval?.type === 'approval_required' && approval.target, {
      account: 'unknown account',
      region: 'us-east-1',
    });
  });

  it('redacts secrets in the templates shown and stored, as it does the input', async () => {
    const secret = 'postgres://app:s3cretpassword@db.example.com/app';
    const withTemplate = new ToolRegistry([
      defineTool({
        name: 'plan_thing',
        description: 'd',
        inputSchema: z.object({}),
        readOnly: false,
        describeApproval: async () => ({
          template: { stackName: 'web', proposed: `Url: ${secret}\n`, deployed: `Url: ${secret}\n` },
        }),
        run: async () => ({}),
      }),
    ]);
    const events = await drain(
      runToolCalls([{ toolUseId: 't5', name: 'plan_thing', input: {} }], {
        tools: withTemplate,
        context,
        maxOutputChars: 10_000,
      }),
    );
    const { outcome } = events;
    const shown = JSON.stringify(events) + JSON.stringify(outcome.toolCalls);
    assert.doesNotMatch(shown, /s3cretpassword/);
    assert.match(shown, /db\.example\.com/);
  });

  it('sends the whole result text with the short summary', async () => {
    const events = await drain(
      runToolCalls([{ toolUseId: 't2', name: 'read_thing', input: {} }], {
        tools,
        context,
        maxOutputChars: 10_000,
      }),
    );
    const result = events.find((e) => e.type === 'tool_result');
    assert.ok(result?.type === 'tool_result');
    assert.ok(result.summary.length <= 200);
    assert.match(result.output!, /row-49/);
  });
});

describe('the account an approval names', () => {
  let original: STSClient['send'];
  let answers: (() => unknown)[] = [];
  let sent = 0;
  before(() => {
    original = STSClient.prototype.send;
    STSClient.prototype.send = async function (command: unknown) {
      assert.ok(command instanceof GetCallerIdentityCommand);
      sent++;
      return answers.shift()!();
    } as STSClient['send'];
  });
  after(() => {
    STSClient.prototype.send = original;
  });

  it('asks STS once per credentials, and again after a failure', async () => {
    sent = 0;
    const credentials = async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'not-real' });
    answers = [
      () => Promise.reject(new Error('ExpiredToken')),
      () => ({ Account: '210987654321' }),
      () => assert.fail('cached: not asked again'),
    ];
    await assert.rejects(callerAccount(credentials, 'us-east-1'));
    assert.equal(await callerAccount(credentials, 'us-east-1'), '210987654321');
    assert.equal(await callerAccount(credentials, 'eu-west-1'), '210987654321');
    assert.equal(sent, 2);
    // Other credentials are other accounts.
    answers = [() => ({ Account: '111122223333' })];
    assert.equal(
      await callerAccount(async () => ({ accessKeyId: 'B', secretAccessKey: 'b' }), 'us-east-1'),
      '111122223333',
    );
  });

  it('takes nothing but a 12-digit account id from the answer', async () => {
    answers = [() => ({ Account: '<b>123</b>' })];
    await assert.rejects(
      callerAccount(async () => ({ accessKeyId: 'C', secretAccessKey: 'c' }), 'us-east-1'),
    );
  });
});
