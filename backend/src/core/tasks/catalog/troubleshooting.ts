import type { TaskDefinition } from '../types';
import { CATEGORIES, region } from './common';

/** How every troubleshooting task works: evidence first, from real signals, then the cause. */
const METHOD =
  'Work from evidence: gather the signals with the read-only tools before concluding, quote the log lines and ' +
  'numbers that matter (redacted as the tools return them), show metric charts as mermaid blocks exactly as ' +
  'metric_chart returns them, then give the most likely cause, how sure you are, and the fix, most likely first. ' +
  'If a service is not enabled, say so and continue with what is available.';

export const TROUBLESHOOTING_TASKS: TaskDefinition[] = [
  {
    id: 'troubleshoot-lambda-failing',
    title: 'Why is this Lambda function failing?',
    category: CATEGORIES.troubleshooting,
    description:
      'Errors, throttles and duration over the last hours, the failing log lines, and recent changes.',
    mutating: false,
    params: [
      { name: 'functionName', label: 'Function name', placeholder: 'orders-processor', required: true },
      region,
    ],
    prompt:
      'Find out why Lambda function {functionName} in {region} is failing. Read its configuration (aws_read lambda ' +
      'GetFunctionConfiguration: runtime, memory, timeout, last update, state), chart Errors, Throttles and Duration ' +
      '(p95) for the last 3 hours with metric_chart (namespace AWS/Lambda, dimension FunctionName), and query its log ' +
      'group /aws/lambda/{functionName} for the last hour with logs_insights_query: errors by count in 5-minute bins, ' +
      'then the latest 30 error, exception, timeout and "Task timed out" lines. Check CloudTrail LookupEvents for ' +
      `changes to the function in the last day. ${METHOD}`,
  },
  {
    id: 'troubleshoot-alarm',
    title: 'What happened around this alarm?',
    category: CATEGORIES.troubleshooting,
    description: 'The alarm, its history, its metric around the transition, and what changed at that time.',
    mutating: false,
    params: [
      { name: 'alarmName', label: 'Alarm name', placeholder: 'checkout-5xx-high', required: true },
      region,
    ],
    prompt:
      'Explain what happened around CloudWatch alarm "{alarmName}" in {region}. Read it (aws_read cloudwatch ' +
      'DescribeAlarms with AlarmNames) and its history (DescribeAlarmHistory, state updates), chart its metric with ' +
      'metric_chart over a window that covers the last transition to ALARM, look for changes in CloudTrail ' +
      '(LookupEvents) in the hour before, and query the logs of the resource behind the metric when there are any. ' +
      METHOD,
  },
  {
    id: 'troubleshoot-log-errors',
    title: 'Errors in a log group in the last hour',
    category: CATEGORIES.troubleshooting,
    description: 'Error counts over time, the most frequent messages and the latest failures.',
    mutating: false,
    params: [
      {
        name: 'logGroupName',
        label: 'Log group',
        placeholder: '/aws/lambda/orders-processor',
        required: true,
      },
      region,
    ],
    prompt:
      'Summarize the errors in log group {logGroupName} ({region}) over the last hour with logs_insights_query: ' +
      'errors by count in 5-minute bins (filter @message like /(?i)(error|exception|fail|timeout)/), the 15 most ' +
      'frequent error messages with counts, and the 20 latest error lines with their request ids. Group them into ' +
      `distinct problems. ${METHOD}`,
  },
  {
    id: 'troubleshoot-ecs-service',
    title: 'Why is this ECS service not stable?',
    category: CATEGORIES.troubleshooting,
    description: 'Deployments, service events, why tasks stopped, target health, CPU and memory.',
    mutating: false,
    params: [
      { name: 'clusterName', label: 'Cluster', placeholder: 'prod', required: true },
      { name: 'serviceName', label: 'Service', placeholder: 'checkout', required: true },
      region,
    ],
    prompt:
      'Find out why ECS service {serviceName} in cluster {clusterName} ({region}) is not stable. Read the service ' +
      '(aws_read ecs DescribeServices: deployments, rollout state, the latest 20 events), the tasks that stopped ' +
      '(ListTasks with desiredStatus STOPPED, then DescribeTasks: stoppedReason, container exit codes and reasons), ' +
      'the target health of its load balancer target groups (elbv2 DescribeTargetHealth), and chart CPUUtilization ' +
      'and MemoryUtilization (AWS/ECS, ClusterName and ServiceName) for the last 3 hours. Query its log group for ' +
      `errors in the last hour when the task definition names one. ${METHOD}`,
  },
  {
    id: 'troubleshoot-rds-cpu',
    title: 'What is driving RDS CPU?',
    category: CATEGORIES.troubleshooting,
    description:
      'CPU, connections, IOPS and latency of a DB instance over time, and what lines up with the peaks.',
    mutating: false,
    params: [
      { name: 'dbInstanceId', label: 'DB instance identifier', placeholder: 'orders-db', required: true },
      region,
    ],
    prompt:
      'Find out what is driving CPU on RDS instance {dbInstanceId} in {region}. Read the instance (aws_read rds ' +
      'DescribeDBInstances: class, engine, storage, Multi-AZ, Performance Insights), chart CPUUtilization, ' +
      'DatabaseConnections, ReadIOPS, WriteIOPS and ReadLatency (AWS/RDS, DBInstanceIdentifier) for the last 24 hours ' +
      'with metric_chart, check recent events (DescribeEvents) and pending maintenance, and query its exported logs ' +
      '(slow query or error log groups /aws/rds/instance/{dbInstanceId}/...) when they exist. Say whether the cause is ' +
      `load, a query pattern, the instance class or storage, and what to change. ${METHOD}`,
  },
  {
    id: 'troubleshoot-api-errors',
    title: 'Where do these 5xx errors come from?',
    category: CATEGORIES.troubleshooting,
    description:
      'An Application Load Balancer’s 5xx split between the balancer and its targets, with target health.',
    mutating: false,
    params: [
      { name: 'loadBalancerName', label: 'Load balancer name', placeholder: 'checkout-alb', required: true },
      region,
    ],
    prompt:
      'Find out where the 5xx errors of Application Load Balancer {loadBalancerName} in {region} come from. Read it ' +
      '(aws_read elbv2 DescribeLoadBalancers with Names, then its listeners, target groups and target health), chart ' +
      'HTTPCode_ELB_5XX_Count, HTTPCode_Target_5XX_Count and TargetResponseTime (p99) for the last 3 hours with ' +
      'metric_chart (AWS/ApplicationELB, dimension LoadBalancer = the part of the ARN after "loadbalancer/"), and ' +
      `query the targets’ logs for errors in the same window. ${METHOD}`,
  },
  {
    id: 'troubleshoot-critical-findings',
    title: 'Critical security findings',
    category: CATEGORIES.troubleshooting,
    description: 'Critical and high findings from Security Hub, GuardDuty and IAM Access Analyzer, triaged.',
    mutating: false,
    params: [region],
    prompt:
      'Triage the critical security findings in {region}: security_hub_findings at CRITICAL and HIGH, ' +
      'guardduty_findings at severity 7 and above, and IAM Access Analyzer findings for external access (aws_read ' +
      'accessanalyzer ListAnalyzers, then ListFindingsV2 with status ACTIVE). Group duplicates, order by real risk ' +
      '(exposure to the internet and active threats first), and give each a concrete fix. Say which services are not ' +
      'enabled.',
  },
  {
    id: 'troubleshoot-health-events',
    title: 'Open AWS Health events',
    category: CATEGORIES.troubleshooting,
    description:
      'Open and upcoming AWS Health events that affect this account, and the resources they touch.',
    mutating: false,
    prompt:
      'List the open and upcoming AWS Health events for this account (aws_read health DescribeEvents with ' +
      'eventStatusCodes open and upcoming), with their details (DescribeEventDetails) and affected resources ' +
      '(DescribeAffectedEntities). Say what each means for the account and what to do, scheduled changes first by ' +
      'date. If the Health API needs a support plan, say so and suggest the Personal Health Dashboard in the console.',
  },
];
