/**
 * The mutating CloudFormation tools. Each runs only after the user approves that exact call;
 * a stack change is always a change set first, so the reviewer sees the diff before anything runs.
 */
import * as z from 'zod';
import type { ApprovalDetails } from '../../../protocol';
import { AwsRegion, defineTool, ToolError, type ToolContext } from '../types';
import { cloudFormation, StackName, summarizeChanges } from './client';
import { reviewTemplates } from './review-templates';
import { tagValue } from '../assumed-role';

/** The tag a change set and the stack it creates or updates carry: who approved the change. */
export const APPROVED_BY_TAG = 'cloud-engineer:approved-by';

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
  // The card shows the template to be planned beside the deployed one (Open Diff).
  describeApproval: (input, context) =>
    reviewTemplates(
      { stackName: input.stackName, proposed: input.templateBody, region: input.region },
      context,
    ),
  iam: {
    // GetTemplate: the deployed template, for the approval card (describeApproval).
    actions: [
      'cloudformation:DescribeStacks',
      'cloudformation:DescribeChangeSet',
      'cloudformation:GetTemplate',
    ],
    // A change set with the approver's tag also needs TagResource on the stack.
    stackChanges: ['cloudformation:CreateChangeSet', 'cloudformation:TagResource'],
  },
  async run(input, context) {
    const { sdk, client } = await cloudFormation(context, input.region);
    const send = (command: any): Promise<any> => client.send(command, { abortSignal: context.signal });
    try {
      const stack = await send(new sdk.DescribeStacksCommand({ StackName: input.stackName })).then(
        (out) => (out.Stacks ?? []).find((s: any) => s.StackStatus !== 'REVIEW_IN_PROGRESS'),
        (error) => {
          if (/does not exist/.test(String(error?.message))) return undefined;
          throw error;
        },
      );
      const exists = stack !== undefined;
      const changeSetName = `cloud-engineer-${Date.now()}`;
      await send(
        new sdk.CreateChangeSetCommand({
          StackName: input.stackName,
          ChangeSetName: changeSetName,
          ChangeSetType: exists ? 'UPDATE' : 'CREATE',
          TemplateBody: input.templateBody,
          Parameters: input.parameters?.map((p) => ({ ParameterKey: p.key, ParameterValue: p.value })),
          Capabilities: input.capabilities,
          Description: describedWithApprover(input.description ?? 'Planned by Cloud Engineer', context),
          ...(context.approver ? { Tags: withApproverTag(stack?.Tags, context) } : {}),
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
  describeApproval: async (input, context) => {
    const [changes, templates] = await Promise.all([
      describeChangeSet(input, context),
      reviewTemplates(input, context),
    ]);
    const note = [changes.note, templates.note].filter(Boolean).join(' ');
    return {
      ...changes,
      ...(templates.template ? { template: templates.template } : {}),
      ...(note ? { note } : {}),
    };
  },
  iam: {
    // For the approval card: the change set's changes and both templates.
    actions: ['cloudformation:DescribeChangeSet', 'cloudformation:GetTemplate'],
    stackChanges: ['cloudformation:ExecuteChangeSet'],
  },
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

/** Who approved the change, as a change set's description says it (CloudFormation allows 1,024 characters). */
function describedWithApprover(description: string, context: ToolContext): string {
  if (!context.approver) return description;
  const by = ` (approved by ${approverName(context)} at ${context.approver.at})`;
  return `${description.slice(0, 1024 - by.length)}${by}`;
}

function approverName(context: ToolContext): string {
  return context.approver ? tagValue(context.approver.name ?? context.approver.sub) : '';
}

/** CloudFormation's limit on a stack's tags. */
const MAX_STACK_TAGS = 50;

/**
 * The stack's tags with the approver's: tags given to a change set replace the stack's, so the
 * existing ones are kept (a new stack has none). A stack already at the limit keeps its own tags;
 * the description still names the approver.
 */
export function withApproverTag(
  existing: { Key?: string; Value?: string }[] | undefined,
  context: ToolContext,
): { Key: string; Value: string }[] {
  const kept = (existing ?? []).flatMap((t) =>
    t.Key && t.Key !== APPROVED_BY_TAG ? [{ Key: t.Key, Value: t.Value ?? '' }] : [],
  );
  if (kept.length >= MAX_STACK_TAGS) return kept;
  return [...kept, { Key: APPROVED_BY_TAG, Value: approverName(context) }];
}

/** Change sets with more pages than this are not something one reviews in a card. */
const MAX_PAGES = 50;

/**
 * Everything executing the change set will do: each resource change (every page) and the
 * capabilities it was created with. A failed look-up says so rather than showing an empty list.
 */
export async function describeChangeSet(
  input: { stackName: string; changeSetName: string; region?: string | undefined },
  context: ToolContext,
): Promise<ApprovalDetails> {
  const { sdk, client } = await cloudFormation(context, input.region);
  const changes: NonNullable<ApprovalDetails['changes']> = [];
  let capabilities: string[] = [];
  try {
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new sdk.DescribeChangeSetCommand({
          StackName: input.stackName,
          ChangeSetName: input.changeSetName,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
        { abortSignal: context.signal },
      );
      if (pages === 0) capabilities = page.Capabilities ?? [];
      for (const { ResourceChange: c } of page.Changes ?? []) {
        if (!c) continue;
        changes.push({
          action: c.Action ?? 'Unknown',
          logicalId: c.LogicalResourceId ?? '(unnamed)',
          type: c.ResourceType ?? 'Unknown',
          ...(c.PhysicalResourceId ? { physicalId: c.PhysicalResourceId } : {}),
          ...(c.Replacement ? { replacement: c.Replacement } : {}),
        });
      }
      nextToken = page.NextToken;
    } while (nextToken && ++pages < MAX_PAGES);
    if (nextToken)
      return { changes, capabilities, note: `More than ${changes.length} changes: only these are shown.` };
    return { changes, capabilities };
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    return {
      note: `The change set could not be described (${message.slice(0, 300)}); review it in the console.`,
    };
  } finally {
    client.destroy();
  }
}

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
  iam: { actions: [], stackChanges: ['cloudformation:DeleteStack'] },
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
