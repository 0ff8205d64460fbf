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
  sts: {
    load: () => import('@aws-sdk/client-sts'),
    client: 'STSClient',
    operations: ['GetCallerIdentity'],
  },
} as const satisfies Record<string, ServiceEntry>;

export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];
