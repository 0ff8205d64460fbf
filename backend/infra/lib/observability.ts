/**
 * The backend's CloudWatch dashboard and alarms, over the embedded-metric-format metrics named in
 * metric-names.ts (namespace CloudEngineer, dimension Service). Alarms read the Service-level
 * series; the dashboard also breaks tools, approvals, guardrails and errors down by dimension.
 */
import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../../src/core/telemetry/metric-names';

const PERIOD = Duration.minutes(5);
/** Error rate (errors per turn, percent) above which the error alarm fires. */
export const ERROR_RATE_THRESHOLD_PERCENT = 5;

export interface ObservabilityProps {
  dashboardName: string;
  ttftP95AlarmMs: number;
  alarmEmail?: string;
  /** Host widgets (Lambda errors, throttles) appended to the dashboard. */
  hostWidgets?: cw.IWidget[];
}

export function backendMetric(name: string, statistic: string, label?: string) {
  return new cw.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { ...SERVICE_DIMENSION },
    statistic,
    period: PERIOD,
    ...(label ? { label } : {}),
  });
}

/** Every series of a metric, one line per value of the given dimensions. */
function breakdown(name: string, dimensions: string[], label: string) {
  const keys = ['Service', ...dimensions].join(',');
  return new cw.MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${keys}} MetricName="${name}" Service="${SERVICE_DIMENSION.Service}"', 'Sum', 300)`,
    label,
    period: PERIOD,
  });
}

export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cw.Dashboard;
  readonly alarms: { errorRate: cw.Alarm; timeToFirstToken: cw.Alarm; guardrailSpike: cw.Alarm };

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Alarms', { displayName: 'Cloud Engineer alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subs.EmailSubscription(props.alarmEmail));

    const turns = backendMetric(METRIC.turns, 'Sum', 'turns');
    const errors = backendMetric(METRIC.errors, 'Sum', 'errors');
    const errorRate = new cw.MathExpression({
      expression: '100 * FILL(errors, 0) / turns',
      usingMetrics: { errors, turns },
      label: 'error rate (%)',
      period: PERIOD,
    });
    const ttftP95 = backendMetric(METRIC.timeToFirstToken, 'p95', 'time to first token p95 (ms)');
    const interventions = backendMetric(METRIC.guardrailInterventions, 'Sum', 'guardrail interventions');

    const errorRateAlarm = errorRate.createAlarm(this, 'ErrorRate', {
      alarmDescription: `More than ${ERROR_RATE_THRESHOLD_PERCENT}% of chat turns failed (3 of 5 five-minute periods).`,
      threshold: ERROR_RATE_THRESHOLD_PERCENT,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cw.TreatMissingData.NOT_BREACHING,
    });
    const ttftAlarm = ttftP95.createAlarm(this, 'TimeToFirstToken', {
      alarmDescription: `p95 time to first token above ${props.ttftP95AlarmMs} ms (3 of 5 five-minute periods).`,
      threshold: props.ttftP95AlarmMs,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cw.TreatMissingData.NOT_BREACHING,
    });
    const guardrailAlarm = new cw.AnomalyDetectionAlarm(this, 'GuardrailSpike', {
      alarmDescription:
        'Guardrail interventions far above their usual level (a spike of blocked or redacted content).',
      metric: interventions,
      stdDevs: 3,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cw.TreatMissingData.NOT_BREACHING,
    });
    this.alarms = { errorRate: errorRateAlarm, timeToFirstToken: ttftAlarm, guardrailSpike: guardrailAlarm };
    for (const alarm of Object.values(this.alarms)) alarm.addAlarmAction(new actions.SnsAction(this.topic));

    this.dashboard = new cw.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    const graph = (title: string, left: cw.IMetric[], width = 8) =>
      new cw.GraphWidget({ title, left, width, height: 6 });
    this.dashboard.addWidgets(
      new cw.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      graph('Chat turns', [turns]),
      graph('Error rate (%)', [errorRate]),
      graph('Time to first token (ms)', [
        backendMetric(METRIC.timeToFirstToken, 'p50', 'p50'),
        ttftP95,
        backendMetric(METRIC.timeToFirstToken, 'p99', 'p99'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Turn duration (ms)', [
        backendMetric(METRIC.turnDuration, 'p50', 'p50'),
        backendMetric(METRIC.turnDuration, 'p95', 'p95'),
      ]),
      graph('Tokens', [
        backendMetric(METRIC.inputTokens, 'Sum', 'input'),
        backendMetric(METRIC.outputTokens, 'Sum', 'output'),
        // Both are part of input: what the provider's prompt cache served and stored.
        backendMetric(METRIC.cacheReadTokens, 'Sum', 'cache read'),
        backendMetric(METRIC.cacheWriteTokens, 'Sum', 'cache write'),
      ]),
      graph('Errors by code', [breakdown(METRIC.errors, ['Code'], 'errors')]),
    );
    this.dashboard.addWidgets(
      graph('Tool calls by tool and outcome', [
        breakdown(METRIC.toolCalls, ['Tool', 'Outcome'], 'tool calls'),
      ]),
      graph('Approvals', [breakdown(METRIC.approvals, ['Decision'], 'approvals')]),
      graph('Guardrail interventions', [
        interventions,
        breakdown(METRIC.guardrailInterventions, ['Source', 'Category'], 'by source and category'),
      ]),
    );
    if (props.hostWidgets?.length) this.dashboard.addWidgets(...props.hostWidgets);
  }
}
