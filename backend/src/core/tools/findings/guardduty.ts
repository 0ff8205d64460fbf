/**
 * `guardduty_findings`: GuardDuty findings of the region's detector at or above a severity, most
 * severe first. Two calls a page (ListFindings, GetFindings), so paging is done here, not by the model.
 */
import * as z from 'zod';
import { awsClientConfig, AwsRegion, defineTool, ToolError } from '../types';

export const guarddutyFindings = defineTool({
  name: 'guardduty_findings',
  description:
    'Amazon GuardDuty findings in a region with severity at or above a floor (default 7, high; 4 medium; 1 low), not archived, most severe first. ' +
    'Returns type, severity, title, resource, count and last seen. Says so when GuardDuty is not enabled in the region.',
  inputSchema: z.object({
    minSeverity: z.number().min(0).max(10).optional(),
    maxResults: z.number().int().min(1).max(100).optional().describe('default 50'),
    region: AwsRegion.optional(),
  }),
  readOnly: true,
  iam: { actions: ['guardduty:ListDetectors', 'guardduty:ListFindings', 'guardduty:GetFindings'] },
  async run(input, context) {
    const sdk = await import('@aws-sdk/client-guardduty');
    const region = input.region ?? context.region;
    const client = new sdk.GuardDutyClient(awsClientConfig(context, region));
    const max = input.maxResults ?? 50;
    const signal = { abortSignal: context.signal };
    try {
      const detectors = await client.send(new sdk.ListDetectorsCommand({}), signal);
      const detectorId = detectors.DetectorIds?.[0];
      if (!detectorId)
        throw new ToolError(`GuardDuty is not enabled in ${region}. Enable it to use this check.`);
      const ids: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new sdk.ListFindingsCommand({
            DetectorId: detectorId,
            FindingCriteria: {
              Criterion: {
                severity: { GreaterThanOrEqual: input.minSeverity ?? 7 },
                'service.archived': { Equals: ['false'] },
              },
            },
            SortCriteria: { AttributeName: 'severity', OrderBy: 'DESC' },
            MaxResults: Math.min(50, max - ids.length),
            NextToken: token,
          }),
          signal,
        );
        ids.push(...(page.FindingIds ?? []));
        token = page.NextToken;
      } while (token && ids.length < max);
      const findings = [];
      for (let i = 0; i < ids.length; i += 50) {
        const out = await client.send(
          new sdk.GetFindingsCommand({ DetectorId: detectorId, FindingIds: ids.slice(i, i + 50) }),
          signal,
        );
        for (const f of out.Findings ?? [])
          findings.push({
            type: f.Type,
            severity: f.Severity,
            title: f.Title,
            resourceType: f.Resource?.ResourceType,
            instanceId: f.Resource?.InstanceDetails?.InstanceId,
            count: f.Service?.Count,
            lastSeen: f.Service?.EventLastSeen ?? f.UpdatedAt,
          });
      }
      findings.sort((a, b) => (b.severity ?? 0) - (a.severity ?? 0));
      return {
        region,
        detectorId,
        minSeverity: input.minSeverity ?? 7,
        findings,
        ...(token ? { note: `Showing the ${max} most severe; more findings match.` } : {}),
      };
    } finally {
      client.destroy();
    }
  },
});
