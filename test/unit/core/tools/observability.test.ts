import assert from 'node:assert/strict';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { xyChart } from '../../../../backend/src/core/tools/observability/chart';
import { logsInsightsQuery } from '../../../../backend/src/core/tools/observability/logs-insights';
import { metricChart } from '../../../../backend/src/core/tools/observability/metric-chart';
import type { ToolContext } from '../../../../backend/src/core/tools/types';

const context = (signal = new AbortController().signal): ToolContext => ({
  actorId: 'a',
  region: 'eu-west-1',
  signal,
});
const row = (fields: Record<string, string>) =>
  Object.entries(fields).map(([field, value]) => ({ field, value }));

describe('logs_insights_query', () => {
  const logs = mockClient(CloudWatchLogsClient);
  afterEach(() => logs.reset());

  it('starts a bounded query, polls to completion and caps the rows', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q1' });
    logs
      .on(GetQueryResultsCommand)
      .resolvesOnce({ status: 'Running' })
      .resolvesOnce({
        status: 'Complete',
        results: [
          row({ '@timestamp': 't1', '@message': 'ERROR one', '@ptr': 'x' }),
          row({ '@timestamp': 't2', '@message': 'ERROR two', '@ptr': 'y' }),
          row({ '@timestamp': 't3', '@message': 'ERROR three', '@ptr': 'z' }),
        ],
        statistics: { recordsMatched: 3 },
      });
    const out = (await logsInsightsQuery.run(
      { logGroupNames: ['/aws/lambda/f'], query: 'fields @message', sinceMinutes: 30, limit: 2 },
      context(),
    )) as any;
    const start = logs.commandCalls(StartQueryCommand)[0]!.args[0].input;
    assert.equal(start.endTime! - start.startTime!, 30 * 60 + 1);
    assert.equal(start.limit, 2);
    assert.deepEqual(out.rows, [
      { '@timestamp': 't1', '@message': 'ERROR one' },
      { '@timestamp': 't2', '@message': 'ERROR two' },
    ]);
    assert.match(out.note, /first 2 rows/);
    assert.equal(logs.commandCalls(StopQueryCommand).length, 0, 'a finished query is not stopped');
  });

  it('refuses windows over 7 days and reversed windows before calling AWS', async () => {
    await assert.rejects(
      logsInsightsQuery.run(
        {
          logGroupNames: ['g'],
          query: 'q',
          start: '2026-11-01T00:00:00Z',
          end: '2026-11-09T00:00:00Z',
        },
        context(),
      ),
      /longer than 7 days/,
    );
    await assert.rejects(
      logsInsightsQuery.run(
        { logGroupNames: ['g'], query: 'q', start: '2026-11-02T00:00:00Z', end: '2026-11-01T00:00:00Z' },
        context(),
      ),
      /before end/,
    );
    assert.equal(logs.calls().length, 0);
    assert.equal(logsInsightsQuery.inputSchema.safeParse({ logGroupNames: [], query: 'q' }).success, false);
    assert.equal(
      logsInsightsQuery.inputSchema.safeParse({ logGroupNames: ['g'], query: 'q', sinceMinutes: 10081 })
        .success,
      false,
    );
  });

  it('stops the query it started when the turn is cancelled', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q2' });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Running' });
    logs.on(StopQueryCommand).resolves({ success: true });
    const abort = new AbortController();
    const run = logsInsightsQuery.run({ logGroupNames: ['g'], query: 'q' }, context(abort.signal));
    setTimeout(() => abort.abort(new Error('cancelled')), 50);
    await assert.rejects(run, /cancelled/);
    assert.deepEqual(logs.commandCalls(StopQueryCommand)[0]!.args[0].input, { queryId: 'q2' });
  });

  it('reports a failed query as a tool error', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q3' });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Failed' });
    await assert.rejects(
      logsInsightsQuery.run({ logGroupNames: ['g'], query: 'q' }, context()),
      (e: Error) => e.name === 'ToolError' && /status Failed/.test(e.message),
    );
  });
});

describe('metric_chart', () => {
  const cw = mockClient(CloudWatchClient);
  afterEach(() => cw.reset());

  it('summarizes the series and draws it as a mermaid xychart', async () => {
    const base = Date.parse('2026-11-28T10:00:00Z');
    cw.on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          {
            Id: 'm1',
            Timestamps: [new Date(base + 600_000), new Date(base)],
            Values: [950, 120],
          },
        ],
        NextToken: 'p2',
      })
      .resolvesOnce({
        MetricDataResults: [{ Id: 'm1', Timestamps: [new Date(base + 300_000)], Values: [130] }],
      });
    const out = (await metricChart.run(
      {
        namespace: 'AWS/Lambda',
        metricName: 'Duration',
        dimensions: { FunctionName: 'checkout' },
        statistic: 'p95',
        sinceMinutes: 60,
      },
      context(),
    )) as any;
    const query = cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries![0]!;
    assert.deepEqual(query.MetricStat!.Metric!.Dimensions, [{ Name: 'FunctionName', Value: 'checkout' }]);
    assert.equal(query.MetricStat!.Stat, 'p95');
    assert.equal(out.summary.points, 3);
    assert.equal(out.summary.max, 950);
    assert.equal(out.summary.maxAt, '2026-11-28T10:10:00.000Z');
    assert.equal(out.summary.latest, 950);
    assert.match(out.chart, /^xychart-beta\n/);
    assert.match(out.chart, /x-axis \["10:00", "10:05", "10:10"\]/);
    assert.match(out.chart, /line \[120, 130, 950\]/);
  });

  it('says so when there are no datapoints', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'm1', Timestamps: [], Values: [] }] });
    const out = (await metricChart.run(
      { namespace: 'AWS/RDS', metricName: 'CPUUtilization' },
      context(),
    )) as any;
    assert.match(out.summary, /No datapoints/);
    assert.equal(out.chart, undefined);
  });

  it('refuses statistics that are not CloudWatch statistics', () => {
    for (const statistic of ['avg', 'p100x', 'Sum; drop', ''])
      assert.equal(
        metricChart.inputSchema.safeParse({ namespace: 'n', metricName: 'm', statistic }).success,
        false,
        statistic,
      );
  });
});

describe('xyChart', () => {
  it('keeps at most 60 points and cannot be broken by a hostile title', () => {
    const points = Array.from({ length: 500 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 10, 28, 0, i)),
      value: i,
    }));
    const chart = xyChart('Errors"]\n  line [9', 'Count', points);
    const line = /line \[([^\]]*)\]/.exec(chart)![1]!.split(', ');
    assert.ok(line.length <= 60, `${line.length} points`);
    assert.equal(chart.split('\n').length, 5, 'the title cannot add lines');
    assert.doesNotMatch(chart.split('\n')[1]!, /"\]/);
  });
});
