/**
 * The mutating CloudFormation tools. Each runs only after the user approves that exact call;
 * a stack change is always a change set first, so the reviewer sees the diff before anything runs.
 */
import { z } from 'zod';
import { AwsRegion, defineTool, ToolError } from '../types';
import { cloudFormation, StackName, summarizeChanges } from './client';

const WAIT_MS = 60_000;

export const cloudformationPlanChange = defineTool({
  name: 'cloudformation_plan_change',
  description:
    'Creates a CloudFormation change set that would create a new stack or update an existing one from a template, waits ' +
    'for it, and returns the list of resource changes for review. Nothing is deployed until the change set is executed ' +
    'with cloudformation_execute_change_set. Requires the user’s approval.',
  inputSchema: z.object({
    stackName: z.string().regex(StackName.pattern, StackName.message),
    templateBody: z.string().min(1).max(51_200),
    parameters: z
      .array(z.object({ key: z.string(), value: z.string() }))
      .max(60)
      .optional(),
    capabilities: z
      .array(z.enum(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']))
      .optional(),
    description: z.string().max(1024).optional(),
    region: AwsRegion.optional(),
  }),
  readOnly: false,
  async run(input, context) {
    const { sdk, client } = await cloudFormation(context, input.region);
    const send = (command: any): Promise<any> => client.send(command, { abortSignal: context.signal });
    try {
      const exists = await send(new sdk.DescribeStacksCommand({ StackName: input.stackName })).then(
        (out) => (out.Stacks ?? []).some((s: any) => s.StackStatus !== 'REVIEW_IN_PROGRESS'),
        (error) => {
          if (/does not exist/.test(String(error?.message))) return false;
          throw error;
        },
      );
      const changeSetName = `cloud-engineer-${Date.now()}`;
      await send(
        new sdk.CreateChangeSetCommand({
          StackName: input.stackName,
          ChangeSetName: changeSetName,
          ChangeSetType: exists ? 'UPDATE' : 'CREATE',
          TemplateBody: input.templateBody,
          Parameters: input.parameters?.map((p) => ({ ParameterKey: p.key, ParameterValue: p.value })),
          Capabilities: input.capabilities,
          Description: input.description ?? 'Planned by Cloud Engineer',
        }),
      );
      for (let waited = 0; waited <= WAIT_MS && !context.signal.aborted; waited += 2000) {
        const set = await send(
          new sdk.DescribeChangeSetCommand({ StackName: input.stackName, ChangeSetName: changeSetName }),
        );
        if (set.Status === 'CREATE_COMPLETE') {
          return {
            stackName: input.stackName,
            changeSetName,
            type: exists ? 'UPDATE' : 'CREATE',
            status: set.Status,
            changes: summarizeChanges(set.Changes),
          };
        }
        if (set.Status === 'FAILED') {
          if (/didn't contain changes|No updates/.test(set.StatusReason ?? '')) {
            return { stackName: input.stackName, changeSetName, status: 'NO_CHANGES', changes: [] };
          }
          throw new ToolError(`The change set failed: ${set.StatusReason}`);
        }
        await new Promise((r) => setTimeout(r, 2000));
      }
      return {
        stackName: input.stackName,
        changeSetName,
        status: 'CREATE_IN_PROGRESS',
        note: 'still being created; describe it again shortly',
      };
    } finally {
      client.destroy();
    }
  },
});

export const cloudformationExecuteChangeSet = defineTool({
  name: 'cloudformation_execute_change_set',
  description:
    'Executes a reviewed change set, deploying its changes. Requires the user’s approval. Follow progress with ' +
    'cloudformation_describe and include ["events"].',
  inputSchema: z.object({
    stackName: z.string().regex(StackName.pattern, StackName.message),
    changeSetName: z.string().min(1).max(128),
    region: AwsRegion.optional(),
  }),
  readOnly: false,
  async run(input, context) {
    const { sdk, client } = await cloudFormation(context, input.region);
    try {
      await client.send(
        new sdk.ExecuteChangeSetCommand({ StackName: input.stackName, ChangeSetName: input.changeSetName }),
        { abortSignal: context.signal },
      );
      return { stackName: input.stackName, changeSetName: input.changeSetName, started: true };
    } finally {
      client.destroy();
    }
  },
});

export const cloudformationDeleteStack = defineTool({
  name: 'cloudformation_delete_stack',
  description:
    'Deletes a CloudFormation stack and every resource it manages (resources with a Retain policy stay). Requires the user’s ' +
    'approval with the typed confirmation "DELETE <stackName>".',
  inputSchema: z.object({
    stackName: z.string().regex(StackName.pattern, StackName.message),
    region: AwsRegion.optional(),
  }),
  readOnly: false,
  confirmText: ({ stackName }) => `DELETE ${stackName}`,
  async run(input, context) {
    const { sdk, client } = await cloudFormation(context, input.region);
    try {
      await client.send(new sdk.DeleteStackCommand({ StackName: input.stackName }), {
        abortSignal: context.signal,
      });
      return { stackName: input.stackName, deleteStarted: true };
    } finally {
      client.destroy();
    }
  },
});
