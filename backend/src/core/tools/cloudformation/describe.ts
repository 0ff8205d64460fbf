import * as z from 'zod';
import { AwsRegion, defineTool } from '../types';
import { cloudFormation, StackName } from './client';

const EVENTS = 30;

export const cloudformationDescribe = defineTool({
  name: 'cloudformation_describe',
  description:
    'Describes a CloudFormation stack: its status, parameters and outputs, and optionally its resources, its latest events ' +
    'and its drift (runs drift detection and waits up to 60 s for it). Without stackName, lists the stacks of the region.',
  inputSchema: z.object({
    stackName: z.string().regex(StackName.pattern, StackName.message).optional(),
    include: z
      .array(z.enum(['resources', 'events', 'drift']))
      .optional()
      .describe('extra details to fetch'),
    region: AwsRegion.optional(),
  }),
  readOnly: true,
  iam: {
    actions: [
      'cloudformation:ListStacks',
      'cloudformation:DescribeStacks',
      'cloudformation:ListStackResources',
      'cloudformation:DescribeStackEvents',
      'cloudformation:DescribeStackDriftDetectionStatus',
      'cloudformation:DescribeStackResourceDrifts',
    ],
    // Drift detection changes the stack's drift status: granted with the change path only.
    stackChanges: ['cloudformation:DetectStackDrift'],
  },
  async run({ stackName, include = [], region }, context) {
    const { sdk, client } = await cloudFormation(context, region);
    const send = <T>(command: any): Promise<T> =>
      client.send(command, { abortSignal: context.signal }) as Promise<T>;
    try {
      if (!stackName) {
        const out: any = await send(new sdk.ListStacksCommand({}));
        return {
          stacks: (out.StackSummaries ?? [])
            .filter((s: any) => s.StackStatus !== 'DELETE_COMPLETE')
            .map((s: any) => ({
              name: s.StackName,
              status: s.StackStatus,
              updated: s.LastUpdatedTime ?? s.CreationTime,
              drift: s.DriftInformation?.StackDriftStatus,
            })),
        };
      }
      const stacks: any = await send(new sdk.DescribeStacksCommand({ StackName: stackName }));
      const stack = stacks.Stacks?.[0] ?? {};
      const result: Record<string, unknown> = {
        stack: {
          name: stack.StackName,
          id: stack.StackId,
          description: stack.Description,
          status: stack.StackStatus,
          reason: stack.StackStatusReason,
          created: stack.CreationTime,
          updated: stack.LastUpdatedTime,
          parameters: stack.Parameters,
          outputs: stack.Outputs,
          terminationProtection: stack.EnableTerminationProtection,
          drift: stack.DriftInformation?.StackDriftStatus,
        },
      };
      if (include.includes('resources')) {
        const out: any = await send(new sdk.ListStackResourcesCommand({ StackName: stackName }));
        result.resources = (out.StackResourceSummaries ?? []).map((r: any) => ({
          logicalId: r.LogicalResourceId,
          physicalId: r.PhysicalResourceId,
          type: r.ResourceType,
          status: r.ResourceStatus,
          drift: r.DriftInformation?.StackResourceDriftStatus,
        }));
      }
      if (include.includes('events')) {
        const out: any = await send(new sdk.DescribeStackEventsCommand({ StackName: stackName }));
        result.events = (out.StackEvents ?? []).slice(0, EVENTS).map((e: any) => ({
          time: e.Timestamp,
          logicalId: e.LogicalResourceId,
          type: e.ResourceType,
          status: e.ResourceStatus,
          reason: e.ResourceStatusReason,
        }));
      }
      if (include.includes('drift')) result.drift = await detectDrift(sdk, send, stackName, context.signal);
      return result;
    } finally {
      client.destroy();
    }
  },
});

async function detectDrift(
  sdk: any,
  send: <T>(c: any) => Promise<T>,
  stackName: string,
  signal: AbortSignal,
) {
  const { StackDriftDetectionId: id } = await send<any>(
    new sdk.DetectStackDriftCommand({ StackName: stackName }),
  );
  for (let waited = 0; waited < 60_000 && !signal.aborted; waited += 2000) {
    const status: any = await send(
      new sdk.DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: id }),
    );
    if (status.DetectionStatus !== 'DETECTION_IN_PROGRESS') {
      const drifts: any = await send(
        new sdk.DescribeStackResourceDriftsCommand({
          StackName: stackName,
          StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'],
        }),
      );
      return {
        status: status.StackDriftStatus,
        detection: status.DetectionStatus,
        driftedResources: (drifts.StackResourceDrifts ?? []).map((d: any) => ({
          logicalId: d.LogicalResourceId,
          type: d.ResourceType,
          status: d.StackResourceDriftStatus,
          differences: (d.PropertyDifferences ?? []).slice(0, 10),
        })),
      };
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  return {
    status: 'UNKNOWN',
    detection: 'DETECTION_IN_PROGRESS',
    note: 'drift detection did not finish within 60 s; ask again later',
  };
}
