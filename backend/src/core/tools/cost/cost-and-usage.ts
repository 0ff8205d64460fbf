import * as z from 'zod';
import { defineTool, ToolError } from '../types';
import { costExplorer, IsoDate, monthToDate, round } from './client';

const GROUPS = {
  service: 'SERVICE',
  region: 'REGION',
  account: 'LINKED_ACCOUNT',
  usageType: 'USAGE_TYPE',
} as const;
const TOP = 25;

export const costAndUsage = defineTool({
  name: 'cost_and_usage',
  description:
    'AWS cost from Cost Explorer for a period, grouped by service, region, account or usage type, per day or month. ' +
    'Defaults: this month to date, monthly, by service, unblended cost. Returns the top groups per period and the total.',
  inputSchema: z.object({
    start: IsoDate.optional().describe('first day, inclusive'),
    end: IsoDate.optional().describe('last day, exclusive'),
    granularity: z.enum(['DAILY', 'MONTHLY']).optional(),
    groupBy: z.enum(['service', 'region', 'account', 'usageType']).optional(),
    metric: z.enum(['UnblendedCost', 'AmortizedCost', 'NetUnblendedCost', 'BlendedCost']).optional(),
  }),
  readOnly: true,
  iam: { actions: ['ce:GetCostAndUsage'] },
  async run(input, context) {
    const period = {
      ...monthToDate(new Date()),
      ...(input.start ? { start: input.start } : {}),
      ...(input.end ? { end: input.end } : {}),
    };
    if (period.start >= period.end) throw new ToolError('start must be before end');
    const metric = input.metric ?? 'UnblendedCost';
    const groupBy = input.groupBy ?? 'service';
    const { sdk, client } = await costExplorer(context);
    try {
      const periods: {
        start?: string;
        end?: string;
        total: number;
        unit: string;
        groups: { key: string; amount: number }[];
      }[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(
          new sdk.GetCostAndUsageCommand({
            TimePeriod: { Start: period.start, End: period.end },
            Granularity: input.granularity ?? 'MONTHLY',
            Metrics: [metric],
            GroupBy: [{ Type: 'DIMENSION', Key: GROUPS[groupBy] }],
            NextPageToken: token,
          }),
          { abortSignal: context.signal },
        );
        for (const result of out.ResultsByTime ?? []) {
          const groups = (result.Groups ?? [])
            .map((g) => ({ key: g.Keys?.join(' / ') ?? '?', amount: round(g.Metrics?.[metric]?.Amount) }))
            .sort((a, b) => b.amount - a.amount);
          const unit = result.Groups?.[0]?.Metrics?.[metric]?.Unit ?? 'USD';
          periods.push({
            start: result.TimePeriod?.Start,
            end: result.TimePeriod?.End,
            total: round(String(groups.reduce((sum, g) => sum + g.amount, 0))),
            unit,
            groups: groups.slice(0, TOP),
          });
        }
        token = out.NextPageToken;
      } while (token && periods.length < 400);
      return { metric, groupBy, period, periods };
    } finally {
      client.destroy();
    }
  },
});
