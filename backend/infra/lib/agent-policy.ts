/**
 * The agent's least-privilege policies, shared by both shapes, in two parts. The host's role:
 * invoke on the chosen Bedrock model only (none for another provider), ApplyGuardrail on our
 * guardrail only, traces. The tools role (tools-role.ts): what the tools declare they call
 * (tool-actions.ts), their reads on every resource and the CloudFormation change path (never on
 * this stack or the CDK bootstrap stack). The memory store's grants (table or AgentCore Memory)
 * are added where the store is created.
 */
import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { ModelArns } from './model-arns';
import { toolActions, type ToolsMode } from './tool-actions';

/** What the host itself calls: the model (Bedrock only), our guardrail, traces. */
export interface HostPolicyProps {
  /** Bedrock's ARNs; absent for another provider, so the role invokes no Bedrock model at all. */
  model?: ModelArns;
  /** The guardrail runs whichever provider answers. */
  guardrailArn: string;
}

export function hostStatements(props: HostPolicyProps): iam.PolicyStatement[] {
  const { model } = props;
  const statements: iam.PolicyStatement[] = [];
  if (model) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'InvokeChosenModel',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: model.profileArn ? [model.profileArn] : model.foundationModelArns,
      }),
    );
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
  }
  statements.push(
    new iam.PolicyStatement({
      sid: 'ApplyOwnGuardrail',
      actions: ['bedrock:ApplyGuardrail'],
      resources: [props.guardrailArn],
    }),
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
  );
  return statements;
}

export interface ToolPolicyProps {
  /** `approve-writes` adds the CloudFormation change path; `read-only` leaves it out. */
  toolsMode: ToolsMode;
}

/** What the tools call: the tools role holds these, never the host's own role. */
export function toolStatements(stack: Stack, props: ToolPolicyProps): iam.PolicyStatement[] {
  const { reads, stackChanges } = toolActions(props.toolsMode);
  const statements = [
    new iam.PolicyStatement({
      sid: 'ToolReads',
      actions: reads,
      // Describe/List calls of these services accept no narrower resource; all are reads.
      resources: ['*'],
    }),
  ];
  if (stackChanges.length) {
    const stackArn = (name: string) =>
      `arn:${Aws.PARTITION}:cloudformation:*:${Aws.ACCOUNT_ID}:stack/${name}/*`;
    statements.push(
      new iam.PolicyStatement({
        sid: 'ApprovedChangePath',
        actions: stackChanges,
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
        actions: stackChanges,
        resources: [stackArn(stack.stackName), stackArn('CDKToolkit')],
      }),
    );
  }
  return statements;
}
