/**
 * The agent's least-privilege policy, shared by both shapes: invoke on the chosen model only,
 * ApplyGuardrail on our guardrail only, the tools' reads, Cost Explorer reads, the CloudFormation
 * change path (never on this stack or the CDK bootstrap stack) and traces. The memory store's
 * grants (table or AgentCore Memory) are added where the store is created.
 */
import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { ModelArns } from './model-arns';
import { awsReadActions, CHANGE_ACTIONS, COST_READ_ACTIONS, TOOL_READ_ACTIONS } from './tool-actions';

export interface AgentPolicyProps {
  model: ModelArns;
  guardrailArn: string;
  /** `approve-writes` adds the CloudFormation change path; `read-only` leaves it out. */
  toolsMode: 'read-only' | 'approve-writes';
}

export function agentStatements(stack: Stack, props: AgentPolicyProps): iam.PolicyStatement[] {
  const { model } = props;
  const statements = [
    new iam.PolicyStatement({
      sid: 'InvokeChosenModel',
      actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resources: model.profileArn ? [model.profileArn] : model.foundationModelArns,
    }),
    new iam.PolicyStatement({
      sid: 'ApplyOwnGuardrail',
      actions: ['bedrock:ApplyGuardrail'],
      resources: [props.guardrailArn],
    }),
    new iam.PolicyStatement({
      sid: 'ToolReads',
      actions: unique([...awsReadActions(), ...TOOL_READ_ACTIONS]),
      // Describe/List calls of these services accept no narrower resource; all are reads.
      resources: ['*'],
    }),
    new iam.PolicyStatement({ sid: 'CostExplorerReads', actions: [...COST_READ_ACTIONS], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'Traces',
      actions: [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:PutSpans',
        'xray:PutSpansForIndexing',
      ],
      resources: ['*'], // X-Ray has no resource-level permissions
    }),
  ];
  if (model.profileArn)
    statements.push(
      new iam.PolicyStatement({
        sid: 'InvokeModelThroughProfile',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: model.foundationModelArns,
        // Only as routed by our profile: the role cannot call the model directly in other regions.
        conditions: { StringEquals: { 'bedrock:InferenceProfileArn': model.profileArn } },
      }),
    );
  if (props.toolsMode === 'approve-writes') {
    const stackArn = (name: string) =>
      `arn:${Aws.PARTITION}:cloudformation:*:${Aws.ACCOUNT_ID}:stack/${name}/*`;
    statements.push(
      new iam.PolicyStatement({
        sid: 'ApprovedChangePath',
        actions: [...CHANGE_ACTIONS],
        resources: [
          stackArn('*'),
          `arn:${Aws.PARTITION}:cloudformation:*:${Aws.ACCOUNT_ID}:changeSet/*/*`,
          // Templates with `Transform: AWS::Serverless-2016-10-31` and friends.
          `arn:${Aws.PARTITION}:cloudformation:*:aws:transform/*`,
        ],
      }),
      new iam.PolicyStatement({
        sid: 'NeverChangeOwnOrBootstrapStack',
        effect: iam.Effect.DENY,
        actions: [...CHANGE_ACTIONS],
        resources: [stackArn(stack.stackName), stackArn('CDKToolkit')],
      }),
    );
  }
  return statements;
}

const unique = (actions: string[]) => [...new Set(actions)].sort();
