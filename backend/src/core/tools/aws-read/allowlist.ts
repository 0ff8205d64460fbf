/**
 * What `aws_read` may call: read operations that return configuration and status, never data
 * (no S3 objects, no DynamoDB items, no secrets, no function code URLs). Each service's SDK
 * client is loaded on first use; the import calls are literal so bundlers can see them.
 */

type SdkModule = Record<string, any>;

export interface ServiceEntry {
  load: () => Promise<SdkModule>;
  client: string;
  /** Global services are called in one region whatever the request says. */
  globalRegion?: string;
  /** The service's input members are camelCase (most JSON APIs), not PascalCase. */
  camelCase?: boolean;
  /** Extra client options (S3 follows buckets to their own region). */
  clientOptions?: Record<string, unknown>;
  operations: readonly string[];
}

export const SERVICES = {
  ec2: {
    load: () => import('@aws-sdk/client-ec2'),
    client: 'EC2Client',
    operations: [
      'DescribeInstances',
      'DescribeInstanceStatus',
      'DescribeVolumes',
      'DescribeVolumeStatus',
      'DescribeSnapshots',
      'DescribeSecurityGroups',
      'DescribeSecurityGroupRules',
      'DescribeVpcs',
      'DescribeSubnets',
      'DescribeRouteTables',
      'DescribeNatGateways',
      'DescribeInternetGateways',
      'DescribeNetworkAcls',
      'DescribeNetworkInterfaces',
      'DescribeVpcEndpoints',
      'DescribeFlowLogs',
      'DescribeAddresses',
      'DescribeKeyPairs',
      'DescribeLaunchTemplates',
      'DescribeRegions',
      'DescribeAvailabilityZones',
      'GetEbsEncryptionByDefault',
    ],
  },
  s3: {
    load: () => import('@aws-sdk/client-s3'),
    client: 'S3Client',
    clientOptions: { followRegionRedirects: true },
    operations: [
      'ListBuckets',
      'GetBucketLocation',
      'GetBucketEncryption',
      'GetPublicAccessBlock',
      'GetBucketPolicyStatus',
      'GetBucketVersioning',
      'GetBucketLogging',
      'GetBucketTagging',
      'GetBucketLifecycleConfiguration',
    ],
  },
  iam: {
    load: () => import('@aws-sdk/client-iam'),
    client: 'IAMClient',
    globalRegion: 'us-east-1',
    operations: [
      'ListUsers',
      'GetUser',
      'ListRoles',
      'GetRole',
      'ListGroups',
      'ListGroupsForUser',
      'ListPolicies',
      'GetPolicy',
      'GetPolicyVersion',
      'ListAttachedUserPolicies',
      'ListAttachedRolePolicies',
      'ListUserPolicies',
      'ListRolePolicies',
      'ListAccessKeys',
      'GetAccessKeyLastUsed',
      'ListMFADevices',
      'GetLoginProfile',
      'GetAccountSummary',
      'GetAccountPasswordPolicy',
      'GenerateCredentialReport',
      'GetCredentialReport',
    ],
  },
  lambda: {
    load: () => import('@aws-sdk/client-lambda'),
    client: 'LambdaClient',
    operations: [
      'ListFunctions',
      'GetFunctionConfiguration',
      'ListEventSourceMappings',
      'ListAliases',
      'ListLayers',
      'GetAccountSettings',
    ],
  },
  rds: {
    load: () => import('@aws-sdk/client-rds'),
    client: 'RDSClient',
    operations: [
      'DescribeDBInstances',
      'DescribeDBClusters',
      'DescribeDBSnapshots',
      'DescribeDBSubnetGroups',
      'DescribeDBParameterGroups',
      'DescribeEvents',
      'DescribePendingMaintenanceActions',
    ],
  },
  cloudwatch: {
    load: () => import('@aws-sdk/client-cloudwatch'),
    client: 'CloudWatchClient',
    operations: [
      'DescribeAlarms',
      'DescribeAlarmHistory',
      'GetMetricStatistics',
      'GetMetricData',
      'ListMetrics',
      'ListDashboards',
    ],
  },
  cloudformation: {
    load: () => import('@aws-sdk/client-cloudformation'),
    client: 'CloudFormationClient',
    operations: [
      'DescribeStacks',
      'ListStacks',
      'DescribeStackResources',
      'ListStackResources',
      'DescribeStackEvents',
      'GetTemplateSummary',
      'DescribeStackResourceDrifts',
      'DescribeStackDriftDetectionStatus',
      'ListChangeSets',
      'DescribeChangeSet',
      'ListExports',
    ],
  },
  ecs: {
    load: () => import('@aws-sdk/client-ecs'),
    client: 'ECSClient',
    camelCase: true,
    operations: [
      'ListClusters',
      'DescribeClusters',
      'ListServices',
      'DescribeServices',
      'ListTasks',
      'DescribeTasks',
      'ListTaskDefinitions',
      'DescribeTaskDefinition',
      'ListContainerInstances',
    ],
  },
  eks: {
    load: () => import('@aws-sdk/client-eks'),
    client: 'EKSClient',
    camelCase: true,
    operations: [
      'ListClusters',
      'DescribeCluster',
      'ListNodegroups',
      'DescribeNodegroup',
      'ListAddons',
      'DescribeAddon',
      'ListFargateProfiles',
    ],
  },
  dynamodb: {
    load: () => import('@aws-sdk/client-dynamodb'),
    client: 'DynamoDBClient',
    operations: [
      'ListTables',
      'DescribeTable',
      'DescribeContinuousBackups',
      'DescribeTimeToLive',
      'ListBackups',
      'DescribeLimits',
    ],
  },
  elbv2: {
    load: () => import('@aws-sdk/client-elastic-load-balancing-v2'),
    client: 'ElasticLoadBalancingV2Client',
    operations: [
      'DescribeLoadBalancers',
      'DescribeLoadBalancerAttributes',
      'DescribeTargetGroups',
      'DescribeTargetGroupAttributes',
      'DescribeTargetHealth',
      'DescribeListeners',
      'DescribeRules',
    ],
  },
  route53: {
    load: () => import('@aws-sdk/client-route-53'),
    client: 'Route53Client',
    globalRegion: 'us-east-1',
    operations: [
      'ListHostedZones',
      'GetHostedZone',
      'ListResourceRecordSets',
      'ListHealthChecks',
      'GetHealthCheckStatus',
    ],
  },
  cloudtrail: {
    load: () => import('@aws-sdk/client-cloudtrail'),
    client: 'CloudTrailClient',
    operations: ['DescribeTrails', 'ListTrails', 'GetTrailStatus', 'GetEventSelectors', 'LookupEvents'],
  },
  logs: {
    load: () => import('@aws-sdk/client-cloudwatch-logs'),
    client: 'CloudWatchLogsClient',
    camelCase: true,
    // Configuration only: log events are read through logs_insights_query, which bounds them.
    operations: [
      'DescribeLogGroups',
      'DescribeLogStreams',
      'DescribeMetricFilters',
      'DescribeSubscriptionFilters',
    ],
  },
  config: {
    load: () => import('@aws-sdk/client-config-service'),
    client: 'ConfigServiceClient',
    operations: [
      'DescribeConfigRules',
      'DescribeComplianceByConfigRule',
      'DescribeComplianceByResource',
      'GetComplianceDetailsByConfigRule',
      'DescribeConfigurationRecorderStatus',
      'DescribeConformancePackCompliance',
    ],
  },
  accessanalyzer: {
    load: () => import('@aws-sdk/client-accessanalyzer'),
    client: 'AccessAnalyzerClient',
    camelCase: true,
    operations: ['ListAnalyzers', 'ListFindingsV2', 'GetFindingV2'],
  },
  health: {
    load: () => import('@aws-sdk/client-health'),
    client: 'HealthClient',
    camelCase: true,
    // The Health API is served from us-east-1 for the whole account.
    globalRegion: 'us-east-1',
    operations: [
      'DescribeEvents',
      'DescribeEventDetails',
      'DescribeAffectedEntities',
      'DescribeEventAggregates',
    ],
  },
  computeoptimizer: {
    load: () => import('@aws-sdk/client-compute-optimizer'),
    client: 'ComputeOptimizerClient',
    camelCase: true,
    operations: [
      'GetEnrollmentStatus',
      'GetEC2InstanceRecommendations',
      'GetEBSVolumeRecommendations',
      'GetLambdaFunctionRecommendations',
      'GetAutoScalingGroupRecommendations',
      'GetECSServiceRecommendations',
      'GetRDSDatabaseRecommendations',
    ],
  },
  budgets: {
    load: () => import('@aws-sdk/client-budgets'),
    client: 'BudgetsClient',
    globalRegion: 'us-east-1',
    // Every Budgets call needs AccountId: get it from get_caller_identity first.
    operations: [
      'DescribeBudgets',
      'DescribeBudget',
      'DescribeBudgetPerformanceHistory',
      'DescribeNotificationsForBudget',
    ],
  },
  sts: {
    load: () => import('@aws-sdk/client-sts'),
    client: 'STSClient',
    operations: ['GetCallerIdentity'],
  },
} as const satisfies Record<string, ServiceEntry>;

export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];
