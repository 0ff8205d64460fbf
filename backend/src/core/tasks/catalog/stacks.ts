import type { TaskParam } from '../../../protocol';
import type { TaskDefinition } from '../types';
import { CATEGORIES, CHANGE_PROCEDURE, region, stackName } from './common';

const environment: TaskParam = {
  name: 'environment',
  label: 'Environment',
  placeholder: 'dev, staging or prod (blank: dev)',
  required: false,
  pattern: '^(dev|test|staging|prod)$',
  patternError: 'dev, test, staging or prod',
};

/** A complete, production-shaped stack: one template, one reviewed change set, one approval. */
function stack(
  id: string,
  title: string,
  description: string,
  design: string,
  extra: TaskParam[] = [],
): TaskDefinition {
  return {
    id,
    title,
    category: CATEGORIES.stacks,
    description,
    mutating: true,
    params: [stackName(true), ...extra, environment, region],
    prompt:
      `Design and create ${design} as CloudFormation stack {stackName} in {region} for the {environment} environment ` +
      '(dev if not specified: smaller sizes, no deletion protection; prod: Multi-AZ, deletion protection, alarms). ' +
      'First show a mermaid architecture diagram and a short list of the resources and their monthly cost drivers. ' +
      'Use least-privilege IAM, encryption at rest and in transit, tags (Environment, Stack), and parameters for ' +
      `sizes. ${CHANGE_PROCEDURE}`,
  };
}

export const STACK_TASKS: TaskDefinition[] = [
  stack(
    'stack-static-website',
    'Static website',
    'S3 and CloudFront with HTTPS, origin access control and logging.',
    'a static website: a private S3 bucket served through CloudFront with origin access control, HTTPS (an ACM ' +
      'certificate in us-east-1 when a domain is given), security headers, access logging and a Route 53 alias for ' +
      'the domain {domainName} when one is given',
    [{ name: 'domainName', label: 'Domain (optional)', placeholder: 'docs.example.com', required: false }],
  ),
  stack(
    'stack-web-application',
    'Web application',
    'An ALB in front of auto-scaled containers on Fargate, with logs and alarms.',
    'a web application: a VPC with public and private subnets, an Application Load Balancer with HTTPS, an ECS ' +
      'Fargate service with auto scaling in private subnets, CloudWatch logs and alarms on 5xx and latency',
  ),
  stack(
    'stack-api-backend',
    'Serverless API backend',
    'API Gateway, Lambda and DynamoDB, with throttling, tracing and alarms.',
    'a serverless API backend: an HTTP API in API Gateway with throttling, Lambda functions with X-Ray tracing, a ' +
      'DynamoDB table (on-demand, point-in-time recovery), and alarms on errors and throttles',
  ),
  stack(
    'stack-microservices',
    'Microservices platform',
    'An ECS cluster with service discovery, per-service roles and an ALB with path routing.',
    'a microservices platform: an ECS cluster on Fargate, Cloud Map service discovery, one ALB with path-based ' +
      'routing, a task role and log group per service, and two example services',
  ),
  stack(
    'stack-data-pipeline',
    'Data pipeline',
    'Ingest to S3 with Kinesis Data Firehose, catalog with Glue, query with Athena.',
    'a data pipeline: Kinesis Data Firehose delivering to a partitioned, encrypted S3 data lake, a Glue database ' +
      'and crawler, an Athena workgroup with a result bucket and query limits',
  ),
  stack(
    'stack-database-tier',
    'Database tier',
    'Aurora or RDS in private subnets with backups, encryption, secrets and monitoring.',
    'a database tier: Amazon Aurora PostgreSQL (or RDS) in private subnets, credentials in Secrets Manager with ' +
      'rotation, encryption with KMS, automated backups, Performance Insights, a security group that only the app ' +
      'tier can reach, and alarms on CPU, connections and free storage',
  ),
  stack(
    'stack-monitoring',
    'Monitoring and alerting',
    'A dashboard, alarms and an SNS topic for the workload’s key metrics.',
    'monitoring for the existing workload in this account: first inspect what runs (Lambda, ECS, ALB, RDS) with the ' +
      'read-only tools, then a CloudWatch dashboard, alarms on errors, latency and saturation, and an SNS topic for ' +
      'notifications',
  ),
  stack(
    'stack-backup-dr',
    'Backup and disaster recovery',
    'AWS Backup plans with cross-region copies, vault lock and restore testing.',
    'backup and disaster recovery: an AWS Backup vault with a vault lock, a backup plan (daily and monthly rules, ' +
      'retention), cross-region copy to a second region, selections by tag (Backup=true), and a restore-testing plan',
  ),
  stack(
    'stack-environments',
    'Dev, staging and production environments',
    'One parameterized template deployed as separate stacks per environment.',
    'one parameterized template for a workload’s environments ({environments}): per-environment sizes, network ' +
      'ranges and protection settings as mappings, deployed as one stack per environment named {stackName}-<env>; ' +
      'plan and approve each environment’s change set separately, dev first',
    [
      {
        name: 'environments',
        label: 'Environments',
        placeholder: 'dev, staging, prod',
        required: false,
      },
    ],
  ),
];
