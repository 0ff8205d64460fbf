/**
 * Predefined cloud-engineering tasks, as data. `prompt` is what the model is told; `{name}` slots
 * are filled from the task's params. Categories follow the reference agent.
 */
import type { TaskDefinition } from './types';

export const CATEGORIES = {
  resources: 'Resources & Status',
  security: 'Security',
  cost: 'Cost',
  diagrams: 'Architecture Diagrams',
  guidance: 'Best-Practice Guidance',
  changes: 'Infrastructure Changes',
} as const;

const region = {
  name: 'region',
  label: 'AWS region',
  placeholder: 'us-east-1 (blank: the configured region)',
  required: false,
};

export const TASKS: readonly TaskDefinition[] = [
  {
    id: 'list-ec2-instances',
    title: 'List EC2 instances and status',
    category: CATEGORIES.resources,
    description: 'Every EC2 instance with its state, type, name tag, private and public IP, and launch time.',
    mutating: false,
    params: [region],
    prompt:
      'List all EC2 instances in {region}. For each give the instance id, Name tag, state, instance type, ' +
      'private and public IP and launch time, as a table. Summarize how many are running and stopped.',
  },
  {
    id: 'list-s3-buckets',
    title: 'List S3 buckets and creation dates',
    category: CATEGORIES.resources,
    description: 'All S3 buckets with their creation dates and regions.',
    mutating: false,
    prompt: 'List all S3 buckets with their creation date and region, oldest first, as a table.',
  },
  {
    id: 'cloudwatch-alarms-in-alarm',
    title: 'CloudWatch alarms in ALARM',
    category: CATEGORIES.resources,
    description: 'CloudWatch alarms currently in the ALARM state, with their metric and since when.',
    mutating: false,
    params: [region],
    prompt:
      'Find every CloudWatch alarm in the ALARM state in {region}. For each give the alarm name, metric, ' +
      'threshold, the time it entered ALARM and the state reason. If none are in ALARM, say so plainly.',
  },
  {
    id: 'iam-users-last-activity',
    title: 'IAM users and last activity',
    category: CATEGORIES.resources,
    description: 'IAM users with their last console sign-in and access-key use.',
    mutating: false,
    prompt:
      'List all IAM users with their creation date, last console sign-in (PasswordLastUsed) and the last use ' +
      'of each access key. Flag users inactive for more than 90 days.',
  },
  {
    id: 'security-group-risks',
    title: 'Analyze security groups for risky rules',
    category: CATEGORIES.security,
    description:
      'Security groups that open sensitive ports (SSH, RDP, databases) or all traffic to the internet.',
    mutating: false,
    params: [region],
    prompt:
      'Analyze the security groups in {region} for risky inbound rules: 0.0.0.0/0 or ::/0 on SSH (22), RDP (3389), ' +
      'database ports (3306, 5432, 1433, 27017, 6379) or all ports. For each finding give the group id, name, VPC, ' +
      'rule, what is attached to it, the risk and the fix. Order by severity.',
  },
  {
    id: 'cost-optimization-candidates',
    title: 'Resources to optimize for cost',
    category: CATEGORIES.cost,
    description:
      'Idle, oversized or forgotten resources that cost money: stopped instances with volumes, unattached volumes, old snapshots, idle load balancers.',
    mutating: false,
    params: [region],
    prompt:
      'Find resources in {region} that are likely wasting money: stopped EC2 instances still holding EBS volumes, ' +
      'unattached EBS volumes, unassociated Elastic IPs, load balancers without healthy targets, and old snapshots. ' +
      'Estimate the monthly saving for each and order by saving.',
  },
  {
    id: 'list-lambda-functions',
    title: 'Lambda functions and runtimes',
    category: CATEGORIES.resources,
    description:
      'Lambda functions with runtime, memory, timeout and last modified, flagging deprecated runtimes.',
    mutating: false,
    params: [region],
    prompt:
      'List the Lambda functions in {region} with runtime, memory size, timeout and last modified date, as a table. ' +
      'Flag runtimes that are deprecated or near end of support.',
  },
  {
    id: 'rds-instance-status',
    title: 'RDS instance status',
    category: CATEGORIES.resources,
    description:
      'RDS instances and clusters with engine, version, class, status, Multi-AZ, storage encryption and backups.',
    mutating: false,
    params: [region],
    prompt:
      'List the RDS DB instances and clusters in {region} with engine and version, instance class, status, Multi-AZ, ' +
      'storage encryption, backup retention and public accessibility. Flag anything publicly accessible, unencrypted ' +
      'or without backups.',
  },
  {
    id: 'vpc-configuration-review',
    title: 'VPC configuration review',
    category: CATEGORIES.security,
    description: 'VPCs, subnets, route tables, internet and NAT gateways, reviewed for common mistakes.',
    mutating: false,
    params: [
      {
        name: 'vpcId',
        label: 'VPC id',
        placeholder: 'vpc-0123456789abcdef0 (blank: all VPCs)',
        required: false,
      },
      region,
    ],
    prompt:
      'Review the VPC configuration in {region} (VPC: {vpcId}). Describe the VPCs, their CIDRs, subnets (public or ' +
      'private, by route table), internet and NAT gateways, and flow logs. Point out single-AZ designs, public subnets ' +
      'hosting databases, missing flow logs and overlapping CIDRs.',
  },
  {
    id: 'unattached-ebs-volumes',
    title: 'Find unattached EBS volumes',
    category: CATEGORIES.cost,
    description: 'EBS volumes in the available state, with size, type, age and monthly cost.',
    mutating: false,
    params: [region],
    prompt:
      'Find all EBS volumes in the "available" (unattached) state in {region}. For each give the volume id, size, type, ' +
      'creation date, tags and estimated monthly cost. End with the total monthly cost.',
  },
  {
    id: 'diagram-from-description',
    title: 'Generate an architecture diagram from a description',
    category: CATEGORIES.diagrams,
    description: 'A mermaid architecture diagram drawn from your description of a system.',
    mutating: false,
    params: [
      {
        name: 'description',
        label: 'Describe the architecture',
        placeholder: 'ALB in front of ECS Fargate, Aurora, S3 for assets',
        required: true,
      },
    ],
    prompt:
      'Draw an AWS architecture diagram as a fenced mermaid flowchart for this system: {description}. Group resources ' +
      'by VPC and subnet where that applies, label the connections, and follow it with a short explanation of the design.',
  },
];
