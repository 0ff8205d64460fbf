import * as z from 'zod';
import { defineTool, ToolError } from '../types';
import { costExplorer, day, IsoDate, round } from './client';

export const costForecast = defineTool({
  name: 'cost_forecast',
  description:
    'Forecast of AWS cost from Cost Explorer, from today to a future date (default: the end of this month), with an 80% ' +
    'prediction interval.',
  inputSchema: z.object({
    end: IsoDate.optional().describe('last day, exclusive; default the first day of next month'),
    granularity: z.enum(['DAILY', 'MONTHLY']).optional(),
    metric: z.enum(['UNBLENDED_COST', 'AMORTIZED_COST', 'NET_UNBLENDED_COST', 'BLENDED_COST']).optional(),
  }),
  readOnly: true,
  iam: { actions: ['ce:GetCostForecast'] },
  async run(input, context) {
    const now = new Date();
    const start = day(now);
    const end = input.end ?? day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)));
    if (start >= end) throw new ToolError('the forecast end must be after today');
    const { sdk, client } = await costExplorer(context);
    try {
      const out = await client.send(
        new sdk.GetCostForecastCommand({
          TimePeriod: { Start: start, End: end },
          Granularity: input.granularity ?? 'MONTHLY',
          Metric: input.metric ?? 'UNBLENDED_COST',
          PredictionIntervalLevel: 80,
        }),
        { abortSignal: context.signal },
      );
      return {
        period: { start, end },
        total: round(out.Total?.Amount),
        unit: out.Total?.Unit ?? 'USD',
        periods: (out.ForecastResultsByTime ?? []).map((r) => ({
          start: r.TimePeriod?.Start,
          mean: round(r.MeanValue),
          low: round(r.PredictionIntervalLowerBound),
          high: round(r.PredictionIntervalUpperBound),
        })),
      };
    } finally {
      client.destroy();
    }
  },
});

export const costAnomalies = defineTool({
  name: 'cost_anomalies',
  description:
    'Cost anomalies detected by AWS Cost Anomaly Detection in a period (default: the last 30 days), largest impact first.',
  inputSchema: z.object({ start: IsoDate.optional(), end: IsoDate.optional() }),
  readOnly: true,
  iam: { actions: ['ce:GetAnomalies'] },
  async run(input, context) {
    const now = new Date();
    const start = input.start ?? day(new Date(now.getTime() - 30 * 86_400_000));
    const end = input.end ?? day(now);
    const { sdk, client } = await costExplorer(context);
    try {
      const out = await client.send(
        new sdk.GetAnomaliesCommand({ DateInterval: { StartDate: start, EndDate: end }, MaxResults: 50 }),
        {
          abortSignal: context.signal,
        },
      );
      const anomalies = (out.Anomalies ?? [])
        .map((a) => ({
          id: a.AnomalyId,
          start: a.AnomalyStartDate,
          end: a.AnomalyEndDate,
          impact: round(String(a.Impact?.TotalImpact ?? 0)),
          impactPercent: a.Impact?.TotalImpactPercentage,
          causes: (a.RootCauses ?? []).slice(0, 3).map((c) => ({
            service: c.Service,
            region: c.Region,
            account: c.LinkedAccount,
            usageType: c.UsageType,
          })),
        }))
        .sort((a, b) => b.impact - a.impact);
      return { period: { start, end }, count: anomalies.length, anomalies };
    } finally {
      client.destroy();
    }
  },
});
