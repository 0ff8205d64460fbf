import type { TaskDefinition } from '../types';
import { CATEGORIES, region } from './common';

export const SECURITY_TASKS: TaskDefinition[] = [
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
    id: 'public-s3-buckets',
    title: 'Find public S3 buckets',
    category: CATEGORIES.security,
    description: 'Buckets whose policy or ACL makes them public, and buckets without Block Public Access.',
    mutating: false,
    prompt:
      'Check every S3 bucket for public exposure: GetBucketPolicyStatus (IsPublic) and GetPublicAccessBlock for each. ' +
      'List public buckets first, then buckets without a complete public access block, with the fix for each.',
  },
  {
    id: 'iam-users-without-mfa',
    title: 'IAM users without MFA',
    category: CATEGORIES.security,
    description: 'Users who can sign in to the console but have no MFA device.',
    mutating: false,
    prompt:
      'Find IAM users with a console password (GetLoginProfile) and no MFA device (ListMFADevices). Use the credential ' +
      'report if that is quicker. List them with their last sign-in and recommend how to enforce MFA.',
  },
  {
    id: 'old-access-keys',
    title: 'Old or unused access keys',
    category: CATEGORIES.security,
    description: 'Active access keys older than a number of days, or never used.',
    mutating: false,
    params: [{ name: 'days', label: 'Older than (days)', placeholder: '90', required: false }],
    prompt:
      'List active IAM access keys older than {days} days (90 if not specified), and keys never used or unused for 90 ' +
      'days, with user, key id, age and last use (service and region). Recommend rotation or deactivation for each.',
  },
  {
    id: 'cloudtrail-coverage',
    title: 'CloudTrail coverage',
    category: CATEGORIES.security,
    description: 'Whether a multi-region trail logs management events, with log validation and encryption.',
    mutating: false,
    prompt:
      'Check CloudTrail coverage: list trails with multi-region setting, whether logging is on (GetTrailStatus), event ' +
      'selectors (management and data events), log file validation and KMS encryption. Say plainly whether every region ' +
      'is covered and what is missing.',
  },
  {
    id: 'unencrypted-ebs-volumes',
    title: 'Unencrypted EBS volumes',
    category: CATEGORIES.security,
    description: 'EBS volumes without encryption, and whether encryption by default is on.',
    mutating: false,
    params: [region],
    prompt:
      'Find unencrypted EBS volumes in {region} (with the instance they are attached to) and check whether EBS ' +
      'encryption by default is enabled. Explain how to encrypt existing volumes (snapshot, copy encrypted, replace).',
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
];
