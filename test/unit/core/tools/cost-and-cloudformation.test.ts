import assert from 'node:assert/strict';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { mockClient } from 'aws-sdk-client-mock';
import {
  cloudformationDeleteStack,
  cloudformationPlanChange,
} from '../../../../backend/src/core/tools/cloudformation/change';
import { cloudformationValidateTemplate } from '../../../../backend/src/core/tools/cloudformation/template';
import { costAndUsage } from '../../../../backend/src/core/tools/cost/cost-and-usage';
import type { ToolContext } from '../../../../backend/src/core/tools/types';

const context: ToolContext = { actorId: 'a', region: 'us-east-1', signal: new AbortController().signal };

describe('cost_and_usage', () => {
  const ce = mockClient(CostExplorerClient);
  afterEach(() => ce.reset());

  it('groups, sorts, totals and follows pages', async () => {
    ce.on(GetCostAndUsageCommand)
      .resolvesOnce({
        ResultsByTime: [
          {
            TimePeriod: { Start: '2026-11-01', End: '2026-11-22' },
            Groups: [
              { Keys: ['Amazon S3'], Metrics: { UnblendedCost: { Amount: '12.345', Unit: 'USD' } } },
              { Keys: ['Amazon EC2'], Metrics: { UnblendedCost: { Amount: '100.001', Unit: 'USD' } } },
            ],
          },
        ],
        NextPageToken: 'p2',
      })
      .resolvesOnce({
        ResultsByTime: [
          {
            TimePeriod: { Start: '2026-11-01', End: '2026-11-22' },
            Groups: [{ Keys: ['AWS Lambda'], Metrics: { UnblendedCost: { Amount: '1', Unit: 'USD' } } }],
          },
        ],
      });
    const out: any = await costAndUsage.run(
      costAndUsage.inputSchema.parse({ start: '2026-11-01', end: '2026-11-22', groupBy: 'service' }),
      context,
    );
    assert.deepEqual(out.periods[0].groups, [
      { key: 'Amazon EC2', amount: 100 },
      { key: 'Amazon S3', amount: 12.35 },
    ]);
    assert.equal(out.periods[0].total, 112.35);
    assert.equal(out.periods.length, 2);
    const input = ce.commandCalls(GetCostAndUsageCommand)[0]!.args[0].input;
    assert.deepEqual(input.GroupBy, [{ Type: 'DIMENSION', Key: 'SERVICE' }]);
    assert.deepEqual(input.TimePeriod, { Start: '2026-11-01', End: '2026-11-22' });
    assert.equal(ce.commandCalls(GetCostAndUsageCommand)[1]!.args[0].input.NextPageToken, 'p2');
  });

  it('refuses an empty period', async () => {
    await assert.rejects(
      costAndUsage.run(costAndUsage.inputSchema.parse({ start: '2026-11-22', end: '2026-11-01' }), context),
      /start must be before end/,
    );
  });
});

describe('CloudFormation tools', () => {
  // Made when the suite runs, and restored after: another file mocks the same client class.
  const mockCfn = () => mockClient(CloudFormationClient);
  let cfn: ReturnType<typeof mockCfn>;
  before(() => (cfn = mockCfn()));
  after(() => cfn.restore());
  afterEach(() => cfn.reset());

  it('plans a new stack as a CREATE change set and returns its changes', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id web does not exist'), { name: 'ValidationError' }));
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs-1' });
    cfn.on(DescribeChangeSetCommand).resolves({
      Status: 'CREATE_COMPLETE',
      Changes: [
        {
          Type: 'Resource',
          ResourceChange: {
            Action: 'Add',
            LogicalResourceId: 'Bucket',
            ResourceType: 'AWS::S3::Bucket',
            Replacement: 'False',
          },
        },
      ],
    });
    const out: any = await cloudformationPlanChange.run(
      cloudformationPlanChange.inputSchema.parse({ stackName: 'web', templateBody: 'Resources: {}' }),
      context,
    );
    assert.equal(out.type, 'CREATE');
    assert.deepEqual(out.changes, [
      {
        action: 'Add',
        logicalId: 'Bucket',
        physicalId: undefined,
        type: 'AWS::S3::Bucket',
        replacement: 'False',
        scope: undefined,
        details: [],
      },
    ]);
    assert.equal(cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType, 'CREATE');
    assert.ok(!cloudformationPlanChange.readOnly);
  });

  it('reports a template CloudFormation rejects as a tool error', async () => {
    cfn.on(ValidateTemplateCommand).rejects(
      Object.assign(new Error('Template format error: unsupported structure.'), {
        name: 'ValidationError',
      }),
    );
    await assert.rejects(
      cloudformationValidateTemplate.run(
        cloudformationValidateTemplate.inputSchema.parse({ templateBody: 'nope' }),
        context,
      ),
      {
        name: 'ToolError',
        message: 'The template is not valid: Template format error: unsupported structure.',
      },
    );
  });

  it('asks for DELETE <stack> to delete a stack', () => {
    assert.equal(cloudformationDeleteStack.confirmText!({ stackName: 'prod-db' }), 'DELETE prod-db');
    assert.throws(() => cloudformationDeleteStack.inputSchema.parse({ stackName: '../x' }));
  });
});
