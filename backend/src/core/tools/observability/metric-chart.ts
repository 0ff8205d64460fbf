/**
 * `metric_chart`: one CloudWatch metric over a window with GetMetricData, as a compact summary and
 * a mermaid line chart the chat renders.
 */
import * as z from 'zod';
import { awsClientConfig, AwsRegion, defineTool, ToolError } from '../types';
import { xyChart, type Point } from './chart';

const MAX_DATAPOINTS = 1440;

export const metricChart = defineTool({
  name: 'metric_chart',
  description:
    'Fetches one CloudWatch metric (namespace, metric name, dimensions, statistic, period) over a window (default the last 3 hours, at most 15 days) ' +
    'and returns a summary (min, max, average, latest, when the max happened) and `chart`, a mermaid xychart. ' +
    'Show the chart to the user as a ```mermaid block, unchanged. Examples: AWS/Lambda Errors by FunctionName (Sum, 300), ' +
    'AWS/Lambda Duration (p95), AWS/RDS CPUUtilization by DBInstanceIdentifier (Average), AWS/ApplicationELB TargetResponseTime by LoadBalancer (p99), ' +
    'AWS/ECS CPUUtilization by ClusterName and ServiceName. Find metrics with aws_read cloudwatch ListMetrics.',
  inputSchema: z.object({
    namespace: z.string().min(1).max(255),
    metricName: z.string().min(1).max(255),
    dimensions: z
      .record(z.string().min(1).max(255), z.string().min(1).max(1024))
      .optional()
      .refine((d) => !d || Object.keys(d).length <= 30, 'at most 30 dimensions'),
    statistic: z
      .string()
      .regex(
        /^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?|tm\d{1,2})$/,
        'Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p95',
      )
      .optional()
      .describe('default Average'),
    periodSeconds: z
      .number()
      .int()
      .min(60)
      .max(86_400)
      .multipleOf(60)
      .optional()
      .describe('default: fits the window in about 60 points'),
    sinceMinutes: z
      .number()
      .int()
      .min(5)
      .max(15 * 24 * 60)
      .optional()
      .describe('window ending now (default 180)'),
    region: AwsRegion.optional(),
  }),
  readOnly: true,
  iam: { actions: ['cloudwatch:GetMetricData'] },
  async run(input, context) {
    const minutes = input.sinceMinutes ?? 180;
    const end = new Date();
    const start = new Date(end.getTime() - minutes * 60_000);
    const period = input.periodSeconds ?? Math.max(60, Math.ceil(minutes / 60) * 60);
    if ((minutes * 60) / period > MAX_DATAPOINTS)
      throw new ToolError(`that is over ${MAX_DATAPOINTS} points; use a longer period`);
    const stat = input.statistic ?? 'Average';
    const sdk = await import('@aws-sdk/client-cloudwatch');
    const region = input.region ?? context.region;
    const client = new sdk.CloudWatchClient(awsClientConfig(context, region));
    try {
      const points: Point[] = [];
      let unit: string | undefined;
      let token: string | undefined;
      let pages = 0;
      do {
        const out = await client.send(
          new sdk.GetMetricDataCommand({
            StartTime: start,
            EndTime: end,
            NextToken: token,
            MetricDataQueries: [
              {
                Id: 'm1',
                MetricStat: {
                  Metric: {
                    Namespace: input.namespace,
                    MetricName: input.metricName,
                    Dimensions: Object.entries(input.dimensions ?? {}).map(([Name, Value]) => ({
                      Name,
                      Value,
                    })),
                  },
                  Period: period,
                  Stat: stat,
                },
              },
            ],
          }),
          { abortSignal: context.signal },
        );
        const result = out.MetricDataResults?.[0];
        (result?.Timestamps ?? []).forEach((at, i) =>
          points.push({ at: new Date(at), value: result!.Values![i]! }),
        );
        unit ??= out.Messages?.find((m) => m.Code === 'Unit')?.Value;
        token = out.NextToken;
      } while (token && ++pages < 10);
      const title = `${input.metricName} (${stat})`;
      const metric = {
        namespace: input.namespace,
        name: input.metricName,
        dimensions: input.dimensions ?? {},
        statistic: stat,
      };
      if (points.length === 0)
        return {
          metric,
          region,
          summary:
            'No datapoints in the window: the metric or dimensions may be misspelled, or nothing was reported.',
        };
      const values = points.map((p) => p.value);
      const maxPoint = points.reduce((a, b) => (b.value > a.value ? b : a));
      const latest = points.reduce((a, b) => (b.at > a.at ? b : a));
      return {
        metric,
        region,
        window: { start: start.toISOString(), end: end.toISOString(), periodSeconds: period },
        summary: {
          points: points.length,
          min: Math.min(...values),
          max: maxPoint.value,
          maxAt: maxPoint.at.toISOString(),
          average: values.reduce((s, v) => s + v, 0) / values.length,
          latest: latest.value,
          latestAt: latest.at.toISOString(),
        },
        chart: xyChart(title, unit ?? stat, points),
      };
    } finally {
      client.destroy();
    }
  },
});
