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
