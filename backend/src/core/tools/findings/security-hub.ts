/**
 * `security_hub_findings`: active Security Hub findings filtered by severity and workflow status,
 * newest first, in a compact form (severity, title, resource, status, standard control).
 */
import * as z from 'zod';
import { explainDisabled } from '../service-disabled';
import { awsClientConfig, AwsRegion, defineTool } from '../types';

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'] as const;

export const securityHubFindings = defineTool({
  name: 'security_hub_findings',
  description:
    'Active AWS Security Hub findings at or above a severity (default HIGH), with workflow status NEW or NOTIFIED unless asked otherwise, newest first. ' +
    'Returns severity, title, resource type and id, workflow status, the control or product that produced it, and a count by severity.',
  inputSchema: z.object({
    minSeverity: z.enum(SEVERITIES).optional(),
    workflowStatus: z
      .array(z.enum(['NEW', 'NOTIFIED', 'SUPPRESSED', 'RESOLVED']))
      .min(1)
      .optional(),
    resourceType: z.string().max(256).optional().describe('e.g. AwsS3Bucket, AwsEc2SecurityGroup'),
    maxResults: z.number().int().min(1).max(200).optional().describe('default 50'),
    region: AwsRegion.optional(),
  }),
  readOnly: true,
  iam: { actions: ['securityhub:GetFindings'] },
  async run(input, context) {
    const sdk = await import('@aws-sdk/client-securityhub');
    const region = input.region ?? context.region;
    const client = new sdk.SecurityHubClient(awsClientConfig(context, region));
    const max = input.maxResults ?? 50;
    const floor = SEVERITIES.indexOf(input.minSeverity ?? 'HIGH');
    const Filters = {
      RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' as const }],
      SeverityLabel: SEVERITIES.slice(0, floor + 1).map((Value) => ({
        Value,
        Comparison: 'EQUALS' as const,
      })),
      WorkflowStatus: (input.workflowStatus ?? ['NEW', 'NOTIFIED']).map((Value) => ({
        Value,
        Comparison: 'EQUALS' as const,
      })),
      ...(input.resourceType
        ? { ResourceType: [{ Value: input.resourceType, Comparison: 'EQUALS' as const }] }
        : {}),
    };
    try {
      const findings: unknown[] = [];
      const bySeverity: Record<string, number> = {};
      let token: string | undefined;
      let more = false;
      do {
        const out = await client.send(
          new sdk.GetFindingsCommand({
            Filters,
            SortCriteria: [{ Field: 'UpdatedAt', SortOrder: 'desc' }],
            MaxResults: Math.min(100, max - findings.length),
            NextToken: token,
          }),
          { abortSignal: context.signal },
        );
        for (const f of out.Findings ?? []) {
          const severity = f.Severity?.Label ?? 'UNKNOWN';
          bySeverity[severity] = (bySeverity[severity] ?? 0) + 1;
          findings.push({
            severity,
            title: f.Title,
            resource: f.Resources?.[0] ? { type: f.Resources[0].Type, id: f.Resources[0].Id } : undefined,
            workflowStatus: f.Workflow?.Status,
            control: f.Compliance?.SecurityControlId ?? f.GeneratorId,
            product: f.ProductName,
            updatedAt: f.UpdatedAt,
            remediation: f.Remediation?.Recommendation?.Url,
          });
        }
        token = out.NextToken;
        more = Boolean(token) && findings.length >= max;
      } while (token && findings.length < max);
      return {
        region,
        filters: {
          minSeverity: SEVERITIES[floor],
          workflowStatus: input.workflowStatus ?? ['NEW', 'NOTIFIED'],
        },
        countBySeverity: bySeverity,
        findings,
        ...(more ? { note: `Showing the newest ${max}; more findings match.` } : {}),
      };
    } catch (error) {
      explainDisabled('Security Hub', region, error);
    } finally {
      client.destroy();
    }
  },
});
