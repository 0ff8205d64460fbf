/** Shared pieces of the task catalog. */
import type { TaskParam } from '../../../protocol';

export const CATEGORIES = {
  resources: 'Resources & Status',
  security: 'Security',
  cost: 'Cost',
  diagrams: 'Architecture Diagrams',
  guidance: 'Best-Practice Guidance',
  changes: 'Infrastructure Changes',
  stacks: 'Complete Stacks',
  operations: 'Operations',
  troubleshooting: 'Troubleshooting',
} as const;

/**
 * What a parameter of a given name must look like: the backend refuses anything else, and the
 * extension checks the same pattern as the user types. Patterns are anchored JavaScript regexes.
 */
export const PARAM_PATTERNS: Record<string, { pattern: string; patternError: string }> = {
  region: { pattern: '^[a-z]{2}(-[a-z]+)+-\\d{1,2}$', patternError: 'An AWS region such as us-east-1' },
  vpcId: { pattern: '^vpc-[0-9a-f]{8,17}$', patternError: 'A VPC id such as vpc-0123456789abcdef0' },
  stackName: {
    pattern: '^[A-Za-z][A-Za-z0-9-]{0,127}$',
    patternError: 'Letters, digits and hyphens, starting with a letter',
  },
  cidr: {
    pattern: '^(\\d{1,3}\\.){3}\\d{1,3}/(1[6-9]|2[0-8])$',
    patternError: 'An IPv4 CIDR from /16 to /28, such as 10.0.0.0/16',
  },
  azCount: { pattern: '^[1-6]$', patternError: 'A number of Availability Zones from 1 to 6' },
  days: { pattern: '^\\d{1,4}$', patternError: 'A number of days' },
  budget: { pattern: '^\\d{1,9}(\\.\\d{1,2})?$', patternError: 'An amount such as 250 or 99.50' },
  functionName: {
    pattern:
      '^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$',
    patternError: 'A Lambda function name or ARN',
  },
  logGroupName: {
    pattern: '^[A-Za-z0-9._/#-]{1,512}$',
    patternError: 'A log group name such as /aws/lambda/my-function',
  },
  alarmName: { pattern: '^[^\\u0000-\\u001f]{1,255}$', patternError: 'A CloudWatch alarm name' },
  clusterName: {
    pattern: '^[A-Za-z0-9_-]{1,255}$',
    patternError: 'Letters, digits, hyphens and underscores',
  },
  serviceName: {
    pattern: '^[A-Za-z0-9_-]{1,255}$',
    patternError: 'Letters, digits, hyphens and underscores',
  },
  dbInstanceId: {
    pattern: '^[A-Za-z][A-Za-z0-9-]{0,62}$',
    patternError: 'A DB instance identifier such as orders-db',
  },
  bucketName: {
    pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    patternError: 'An S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens',
  },
  instanceType: {
    pattern: '^[a-z][a-z0-9-]*\\.[a-z0-9]+$',
    patternError: 'An instance type such as t3.micro',
  },
  roleName: { pattern: '^[\\w+=,.@-]{1,64}$', patternError: 'An IAM role name (up to 64 characters)' },
  domainName: {
    pattern: '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$',
    patternError: 'A domain name such as docs.example.com',
  },
  runtime: { pattern: '^[a-z0-9.]{3,32}$', patternError: 'A Lambda runtime such as nodejs22.x' },
  loadBalancerName: { pattern: '^[A-Za-z0-9-]{1,32}$', patternError: 'A load balancer name' },
  environments: {
    pattern: '^(dev|test|staging|prod)(, ?(dev|test|staging|prod))*$',
    patternError: 'A list such as dev, staging, prod',
  },
};

export const region: TaskParam = {
  name: 'region',
  label: 'AWS region',
  placeholder: 'us-east-1 (blank: the configured region)',
  required: false,
};

export const stackName = (required: boolean): TaskParam => ({
  name: 'stackName',
  label: 'Stack name',
  placeholder: 'my-app-prod',
  required,
});

/** How every infrastructure change runs: a template, a reviewed change set, an approval. */
export const CHANGE_PROCEDURE =
  'Write the CloudFormation template (YAML) and show it. Validate it with cloudformation_validate_template. Then plan the ' +
  'change with cloudformation_plan_change (the user approves that call) and present the resource changes as a table, ' +
  'calling out replacements and deletions. Execute the change set with cloudformation_execute_change_set only if the ' +
  'user asks for it after seeing the plan. Never claim a change was made unless a tool result says so.';
