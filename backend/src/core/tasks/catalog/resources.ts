import type { TaskDefinition } from '../types';
import { CATEGORIES, region } from './common';

export const RESOURCE_TASKS: TaskDefinition[] = [
  {
    id: 'list-ec2-instances',
    title: 'List EC2 instances and status',
    category: CATEGORIES.resources,
    description: 'Every EC2 instance with its state, type, name tag, private and public IP, and launch time.',
    mutating: false,
    params: [region],
    prompt:
      'List all EC2 instances in {region}. For each give the instance id, Name tag, state, instance type, private and ' +
      'public IP and launch time, as a table. Summarize how many are running and stopped.',
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
      'Find every CloudWatch alarm in the ALARM state in {region}. For each give the alarm name, metric, threshold, the ' +
      'time it entered ALARM and the state reason. If none are in ALARM, say so plainly.',
  },
  {
    id: 'iam-users-last-activity',
    title: 'IAM users and last activity',
    category: CATEGORIES.resources,
    description: 'IAM users with their last console sign-in and access-key use.',
    mutating: false,
    prompt:
      'List all IAM users with their creation date, last console sign-in (PasswordLastUsed) and the last use of each ' +
      'access key. Flag users inactive for more than 90 days.',
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
    id: 'cloudformation-stacks-status',
    title: 'CloudFormation stacks and drift',
    category: CATEGORIES.resources,
    description: 'Stacks with their status and last update; failed or drifted stacks first.',
    mutating: false,
    params: [region],
    prompt:
      'List the CloudFormation stacks in {region} with status, last update and drift status. Put failed, rolled-back ' +
      'and drifted stacks first and say what to do about each.',
  },
  {
    id: 'ecs-eks-overview',
    title: 'Containers: ECS services and EKS clusters',
    category: CATEGORIES.resources,
    description:
      'ECS clusters and services with desired versus running tasks; EKS clusters with version and node groups.',
    mutating: false,
    params: [region],
    prompt:
      'Give an overview of containers in {region}: ECS clusters and their services with desired, running and pending ' +
      'task counts, and EKS clusters with Kubernetes version, status and node groups. Flag services below their ' +
      'desired count and clusters on versions near end of support.',
  },
];
