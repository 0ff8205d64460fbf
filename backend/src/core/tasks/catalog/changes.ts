import type { TaskDefinition } from '../types';
import { CATEGORIES, CHANGE_PROCEDURE, region, stackName } from './common';

export const CHANGE_TASKS: TaskDefinition[] = [
  {
    id: 'create-vpc',
    title: 'Create a VPC',
    category: CATEGORIES.changes,
    description:
      'A VPC with public and private subnets across AZs, NAT and flow logs, through a reviewed CloudFormation change set.',
    mutating: true,
    params: [
      stackName(true),
      { name: 'cidr', label: 'VPC CIDR', placeholder: '10.0.0.0/16', required: true },
      { name: 'azCount', label: 'Availability Zones', placeholder: '2', required: false },
      region,
    ],
    prompt: `Create a VPC as CloudFormation stack {stackName} in {region}: CIDR {cidr}, public and private subnets in {azCount} Availability Zones (2 if not specified), an internet gateway, one NAT gateway per AZ, route tables and VPC flow logs. ${CHANGE_PROCEDURE}`,
  },
  {
    id: 'create-s3-bucket',
    title: 'Create an S3 bucket',
    category: CATEGORIES.changes,
    description:
      'A private, encrypted, versioned bucket with Block Public Access, through a reviewed change set.',
    mutating: true,
    params: [
      stackName(true),
      {
        name: 'bucketName',
        label: 'Bucket name',
        placeholder: 'my-team-artifacts-123456789012',
        required: true,
      },
      region,
    ],
    prompt: `Create an S3 bucket named {bucketName} as CloudFormation stack {stackName} in {region}: Block Public Access on, SSE-S3 or SSE-KMS encryption, versioning, a TLS-only bucket policy and a lifecycle rule for old versions. ${CHANGE_PROCEDURE}`,
  },
  {
    id: 'create-lambda-function',
    title: 'Create a Lambda function',
    category: CATEGORIES.changes,
    description: 'A Lambda function with its execution role and log group, through a reviewed change set.',
    mutating: true,
    params: [
      stackName(true),
      { name: 'functionName', label: 'Function name', placeholder: 'orders-processor', required: true },
      { name: 'runtime', label: 'Runtime', placeholder: 'nodejs20.x', required: false },
      {
        name: 'purpose',
        label: 'What it does',
        placeholder: 'processes orders from an SQS queue',
        required: false,
      },
      region,
    ],
    prompt: `Create Lambda function {functionName} (runtime {runtime}; nodejs20.x if not specified) as CloudFormation stack {stackName} in {region}. It {purpose}. Include a least-privilege execution role, a log group with retention and inline starter code. ${CHANGE_PROCEDURE}`,
  },
  {
    id: 'create-ec2-instance',
    title: 'Create an EC2 instance',
    category: CATEGORIES.changes,
    description:
      'An instance with IMDSv2, an encrypted volume, SSM access instead of SSH, through a change set.',
    mutating: true,
    params: [
      stackName(true),
      { name: 'instanceType', label: 'Instance type', placeholder: 't3.micro', required: false },
      { name: 'vpcId', label: 'VPC id', placeholder: 'vpc-0123456789abcdef0', required: false },
      region,
    ],
    prompt: `Create an EC2 instance as CloudFormation stack {stackName} in {region}: type {instanceType} (t3.micro if not specified; prefer Graviton when the workload allows), in a private subnet of {vpcId} (the default VPC if not specified), the latest Amazon Linux from the SSM public parameter, IMDSv2 required, an encrypted gp3 root volume, an instance profile with AmazonSSMManagedInstanceCore for Session Manager access and no SSH key or open port 22. ${CHANGE_PROCEDURE}`,
  },
  {
    id: 'create-rds-database',
    title: 'Create an RDS database',
    category: CATEGORIES.changes,
    description: 'A private, encrypted database with managed credentials and backups, through a change set.',
    mutating: true,
    params: [
      stackName(true),
      {
        name: 'engine',
        label: 'Engine',
        placeholder: 'postgres or mysql',
        required: false,
        pattern: '^(postgres|mysql|mariadb|aurora-postgresql|aurora-mysql)$',
        patternError: 'postgres, mysql, mariadb, aurora-postgresql or aurora-mysql',
      },
      { name: 'vpcId', label: 'VPC id', placeholder: 'vpc-0123456789abcdef0', required: true },
      region,
    ],
    prompt: `Create an RDS database ({engine}; postgres if not specified) as CloudFormation stack {stackName} in {region}, in private subnets of {vpcId}: a DB subnet group, a security group with no inbound rule yet (say how to allow the app tier), storage encryption, the master password managed in Secrets Manager (ManageMasterUserPassword), automated backups for 7 days, deletion protection and a final snapshot on delete. ${CHANGE_PROCEDURE}`,
  },
  {
    id: 'create-iam-role',
    title: 'Create an IAM role',
    category: CATEGORIES.changes,
    description: 'A least-privilege role for a service or another account, through a change set.',
    mutating: true,
    params: [
      stackName(true),
      { name: 'roleName', label: 'Role name', placeholder: 'orders-processor-role', required: true },
      {
        name: 'purpose',
        label: 'Who assumes it, to do what',
        placeholder: 'Lambda, read one S3 bucket',
        required: true,
      },
    ],
    prompt: `Create IAM role {roleName} as CloudFormation stack {stackName}: {purpose}. Write a trust policy for exactly that principal and a least-privilege inline policy (specific actions, specific resource ARNs, conditions where they help; no wildcards on actions or resources unless the API needs one, and say so). The change needs CAPABILITY_NAMED_IAM: point that out in the plan. ${CHANGE_PROCEDURE}`,
  },
  {
    id: 'create-security-group',
    title: 'Create a security group',
    category: CATEGORIES.changes,
    description: 'A security group with only the inbound rules asked for, through a change set.',
    mutating: true,
    params: [
      stackName(true),
      { name: 'vpcId', label: 'VPC id', placeholder: 'vpc-0123456789abcdef0', required: true },
      { name: 'rules', label: 'Inbound access', placeholder: 'HTTPS from 10.0.0.0/16', required: true },
      region,
    ],
    prompt: `Create a security group in {vpcId} as CloudFormation stack {stackName} in {region} allowing only: {rules}. Use the narrowest sources (security group references over CIDRs), a description on every rule, and warn before opening any port to 0.0.0.0/0 or ::/0. ${CHANGE_PROCEDURE}`,
  },
  {
    id: 'deploy-stack-from-template',
    title: 'Deploy a stack from a template',
    category: CATEGORIES.changes,
    description:
      'Deploys the CloudFormation template selected in the editor (or pasted) as a new or existing stack.',
    mutating: true,
    params: [
      stackName(true),
      {
        name: 'parameters',
        label: 'Parameters (Key=Value, comma-separated)',
        placeholder: 'Env=prod,InstanceType=t3.small',
        required: false,
      },
      region,
    ],
    prompt:
      'Deploy the CloudFormation template selected in the editor (below) as stack {stackName} in {region}, with ' +
      'parameters {parameters}. If no template is included, ask for it. Validate it, then plan the change with ' +
      'cloudformation_plan_change (the user approves that call), present the resource changes, and execute only if ' +
      'the user asks after seeing the plan.',
  },
  {
    id: 'update-stack',
    title: 'Update a stack',
    category: CATEGORIES.changes,
    description:
      'Changes an existing stack as you describe, showing the change set before anything is deployed.',
    mutating: true,
    params: [
      stackName(true),
      {
        name: 'change',
        label: 'What should change',
        placeholder: 'raise the ASG max size to 8',
        required: true,
      },
      region,
    ],
    prompt: `Update CloudFormation stack {stackName} in {region}: {change}. Start from its current template (cloudformation_get_template), make only that change, and show the diff of the template. ${CHANGE_PROCEDURE}`,
  },
  {
    id: 'delete-stack',
    title: 'Delete a stack',
    category: CATEGORIES.changes,
    description:
      'Deletes a CloudFormation stack after showing what it contains; needs the typed confirmation.',
    mutating: true,
    params: [stackName(true), region],
    prompt:
      'Delete CloudFormation stack {stackName} in {region}. First describe it with its resources and say which would be ' +
      'deleted and which are retained. Then call cloudformation_delete_stack; the user approves by typing the ' +
      'confirmation. Report what the tool result says, nothing more.',
  },
];
