/** The CloudFormation client the tools share, loaded on first use. */
import { awsClientConfig, type ToolContext } from '../types';

export async function cloudFormation(context: ToolContext, region?: string) {
  const sdk = await import('@aws-sdk/client-cloudformation');
  return { sdk, client: new sdk.CloudFormationClient(awsClientConfig(context, region)) };
}

export const StackName = {
  pattern: /^[A-Za-z][A-Za-z0-9-]{0,127}$|^arn:aws[a-z-]*:cloudformation:/,
  message: 'a stack name (letters, digits, hyphens; starts with a letter) or stack ARN',
};

/** The parts of a change set a reviewer reads: what changes, how, and whether it replaces. */
export function summarizeChanges(changes: { ResourceChange?: Record<string, any> }[] | undefined) {
  return (changes ?? []).map(({ ResourceChange: c = {} }) => ({
    action: c.Action,
    logicalId: c.LogicalResourceId,
    physicalId: c.PhysicalResourceId,
    type: c.ResourceType,
    replacement: c.Replacement,
    scope: c.Scope,
    details: (c.Details ?? []).slice(0, 10).map((d: any) => ({
      attribute: d.Target?.Attribute,
      name: d.Target?.Name,
      requiresRecreation: d.Target?.RequiresRecreation,
      cause: d.ChangeSource,
    })),
  }));
}
