/**
 * The IAM actions the agent's read-only tools call, derived from the `aws_read` allowlist so the
 * role and the tool cannot drift, plus the fixed tools (CloudFormation, cost, diagrams) and the
 * troubleshooting families (Logs Insights, metrics, Security Hub, GuardDuty, Config, Access
 * Analyzer, Health, Compute Optimizer, Budgets).
 */
import { SERVICES } from '../../src/core/tools/aws-read/allowlist';

/** SDK service key → IAM prefix, where they differ. Unknown keys use the key itself. */
const IAM_PREFIX: Record<string, string> = {
  elbv2: 'elasticloadbalancing',
  accessanalyzer: 'access-analyzer',
  computeoptimizer: 'compute-optimizer',
  'compute-optimizer': 'compute-optimizer',
  configservice: 'config',
  cloudwatchlogs: 'logs',
  costexplorer: 'ce',
};

/** `prefix:Operation` → the IAM action(s) AWS checks, where the name differs from the API's. */
const IAM_ACTION: Record<string, readonly string[]> = {
  's3:ListBuckets': ['s3:ListAllMyBuckets'],
  's3:GetBucketEncryption': ['s3:GetEncryptionConfiguration'],
  's3:GetPublicAccessBlock': ['s3:GetBucketPublicAccessBlock'],
  's3:GetBucketLifecycleConfiguration': ['s3:GetLifecycleConfiguration'],
  'budgets:DescribeBudgets': ['budgets:ViewBudget'],
  'budgets:DescribeBudget': ['budgets:ViewBudget'],
  'budgets:DescribeBudgetPerformanceHistory': ['budgets:ViewBudget'],
};

export function iamActionsFor(service: string, operation: string): readonly string[] {
  const action = `${IAM_PREFIX[service] ?? service}:${operation}`;
  return IAM_ACTION[action] ?? [action];
}

/** Every action behind `aws_read`'s allowlist. */
export function awsReadActions(): string[] {
  return Object.entries(SERVICES).flatMap(([service, entry]) =>
    entry.operations.flatMap((op) => iamActionsFor(service, op)),
  );
}

/** The fixed read-only tools and the troubleshooting families' reads. */
export const TOOL_READ_ACTIONS = [
  'sts:GetCallerIdentity',
  // cloudformation_describe / get_template / validate_template / plan_change (reads)
  'cloudformation:DescribeStacks',
  'cloudformation:ListStacks',
  'cloudformation:ListStackResources',
  'cloudformation:DescribeStackEvents',
  'cloudformation:DescribeStackResourceDrifts',
  'cloudformation:DescribeStackDriftDetectionStatus',
  'cloudformation:GetTemplate',
  'cloudformation:GetTemplateSummary',
  'cloudformation:ValidateTemplate',
  'cloudformation:DescribeChangeSet',
  'cloudformation:ListChangeSets',
  // diagram_from_inventory
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeRouteTables',
  'ec2:DescribeInstances',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'rds:DescribeDBInstances',
  'lambda:ListFunctions',
  // CloudWatch Logs Insights and metrics
  'logs:DescribeLogGroups',
  'logs:DescribeLogStreams',
  'logs:DescribeQueries',
  'logs:StartQuery',
  'logs:GetQueryResults',
  'logs:StopQuery',
  'logs:FilterLogEvents',
  'cloudwatch:GetMetricData',
  'cloudwatch:GetMetricStatistics',
  'cloudwatch:ListMetrics',
  'cloudwatch:DescribeAlarms',
  // Security Hub, GuardDuty, Config, IAM Access Analyzer
  'securityhub:GetFindings',
  'securityhub:DescribeHub',
  'securityhub:GetEnabledStandards',
  'securityhub:DescribeStandardsControls',
  'guardduty:ListDetectors',
  'guardduty:GetDetector',
  'guardduty:ListFindings',
  'guardduty:GetFindings',
  'guardduty:GetFindingsStatistics',
  'config:DescribeConfigRules',
  'config:DescribeComplianceByConfigRule',
  'config:DescribeComplianceByResource',
  'config:GetComplianceDetailsByConfigRule',
  'config:DescribeConfigurationRecorderStatus',
  'config:ListDiscoveredResources',
  'config:GetResourceConfigHistory',
  'config:SelectResourceConfig',
  'access-analyzer:ListAnalyzers',
  'access-analyzer:ListFindings',
  'access-analyzer:ListFindingsV2',
  'access-analyzer:GetFinding',
  'access-analyzer:GetFindingV2',
  // AWS Health, Compute Optimizer, Budgets
  'health:DescribeEvents',
  'health:DescribeEventDetails',
  'health:DescribeAffectedEntities',
  'compute-optimizer:GetEC2InstanceRecommendations',
  'compute-optimizer:GetEBSVolumeRecommendations',
  'compute-optimizer:GetLambdaFunctionRecommendations',
  'compute-optimizer:GetAutoScalingGroupRecommendations',
  'compute-optimizer:GetEnrollmentStatus',
  'compute-optimizer:GetRecommendationSummaries',
  'budgets:ViewBudget',
] as const;

/** cost_and_usage, cost_forecast, cost_anomalies. */
export const COST_READ_ACTIONS = [
  'ce:GetCostAndUsage',
  'ce:GetCostForecast',
  'ce:GetAnomalies',
  'ce:GetAnomalyMonitors',
  'ce:GetDimensionValues',
  'ce:GetTags',
] as const;

/**
 * The approved change path (plan, execute, delete), each call approved in the editor first. A change
 * set carries the approver's tag (`cloud-engineer:approved-by`): CreateChangeSet with tags also needs
 * TagResource on the stack. Never UntagResource: the stack's own tags are always kept.
 */
export const CHANGE_ACTIONS = [
  'cloudformation:CreateChangeSet',
  'cloudformation:TagResource',
  'cloudformation:ExecuteChangeSet',
  'cloudformation:DeleteChangeSet',
  'cloudformation:DeleteStack',
  'cloudformation:DetectStackDrift',
] as const;
