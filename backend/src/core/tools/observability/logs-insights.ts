/**
 * `logs_insights_query`: a CloudWatch Logs Insights query over named log groups and a bounded
 * window, polled to completion within a time limit. Rows are capped; what comes back passes the
 * tool-output guard like every tool result (log lines carry secrets more often than anything else).
 */
import * as z from 'zod';
import { awsClientConfig, AwsRegion, defineTool, ToolError } from '../types';

const MAX_WINDOW_MINUTES = 7 * 24 * 60;
const DEFAULT_ROWS = 100;
const MAX_ROWS = 1000;
/** Polls start quick (most queries finish in a second) and slow down to once a second. */
const POLL_MS = [200, 400, 800, 1000];
const TIME_LIMIT_MS = 60_000;

export const logsInsightsQuery = defineTool({
  name: 'logs_insights_query',
  description:
    'Runs a CloudWatch Logs Insights query on up to 10 log groups over a time window (default the last hour, at most 7 days) and returns the rows. ' +
    'Common forms: errors by count: `fields @timestamp, @message | filter @message like /(?i)(error|exception|timeout)/ | stats count(*) as errors by bin(5m)`; ' +
    'latest errors: `fields @timestamp, @logStream, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 50`; ' +
    'Lambda latency percentiles: `filter @type = "REPORT" | stats pct(@duration, 50) as p50, pct(@duration, 95) as p95, pct(@duration, 99) as p99 by bin(5m)`; ' +
    'one request: `fields @timestamp, @message | filter @requestId = "<id>" or @message like "<id>" | sort @timestamp asc`; ' +
    'top messages: `stats count(*) as n by @message | sort n desc | limit 20`. ' +
    'Lambda log groups are /aws/lambda/<function>; find others with aws_read logs DescribeLogGroups.',
  inputSchema: z.object({
    logGroupNames: z.array(z.string().min(1).max(512)).min(1).max(10),
    query: z.string().min(1).max(10_000).describe('the Logs Insights query'),
    sinceMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_WINDOW_MINUTES)
      .optional()
      .describe('window ending now, in minutes (default 60); ignored when start is given'),
    start: z.iso.datetime({ offset: true }).optional().describe('window start, ISO 8601'),
    end: z.iso.datetime({ offset: true }).optional().describe('window end, ISO 8601 (default now)'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_ROWS)
      .optional()
      .describe(`rows to return (default ${DEFAULT_ROWS})`),
    region: AwsRegion.optional(),
  }),
  readOnly: true,
  iam: { actions: ['logs:StartQuery', 'logs:GetQueryResults', 'logs:StopQuery'] },
  async run(input, context) {
    const endMs = input.end ? Date.parse(input.end) : Date.now();
    const startMs = input.start ? Date.parse(input.start) : endMs - (input.sinceMinutes ?? 60) * 60_000;
    if (startMs >= endMs) throw new ToolError('start must be before end');
    if (endMs - startMs > MAX_WINDOW_MINUTES * 60_000)
      throw new ToolError('the window is longer than 7 days');
    const limit = input.limit ?? DEFAULT_ROWS;
    const sdk = await import('@aws-sdk/client-cloudwatch-logs');
    const region = input.region ?? context.region;
    const client = new sdk.CloudWatchLogsClient(awsClientConfig(context, region));
    const signal = { abortSignal: context.signal };
    let queryId: string | undefined;
    try {
      ({ queryId } = await client.send(
        new sdk.StartQueryCommand({
          logGroupNames: input.logGroupNames,
          queryString: input.query,
          startTime: Math.floor(startMs / 1000),
          endTime: Math.ceil(endMs / 1000),
          limit,
        }),
        signal,
      ));
      if (!queryId) throw new ToolError('CloudWatch Logs did not start the query');
      const deadline = Date.now() + TIME_LIMIT_MS;
      for (let poll = 0; ; poll++) {
        const out = await client.send(new sdk.GetQueryResultsCommand({ queryId }), signal);
        const status = out.status ?? 'Unknown';
        if (status === 'Complete' || status === 'Failed' || status === 'Cancelled' || status === 'Timeout') {
          queryId = undefined; // ended: nothing to stop
          if (status !== 'Complete') throw new ToolError(`the query ended with status ${status}`);
          const rows = (out.results ?? [])
            .slice(0, limit)
            .map((fields) =>
              Object.fromEntries(
                fields.filter((f) => f.field && f.field !== '@ptr').map((f) => [f.field!, f.value ?? '']),
              ),
            );
          return {
            logGroupNames: input.logGroupNames,
            region,
            window: { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString() },
            rows,
            ...(out.results && out.results.length > limit
              ? { note: `Only the first ${limit} rows are shown.` }
              : {}),
            statistics: out.statistics,
          };
        }
        if (Date.now() > deadline)
          throw new ToolError(
            `the query did not finish within ${TIME_LIMIT_MS / 1000} s; narrow the window or the log groups`,
          );
        await sleep(POLL_MS[Math.min(poll, POLL_MS.length - 1)]!, context.signal);
      }
    } finally {
      // A query left running keeps costing; stop it when we give up or are cancelled.
      if (queryId) await client.send(new sdk.StopQueryCommand({ queryId })).catch(() => undefined);
      client.destroy();
    }
  },
});

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}
