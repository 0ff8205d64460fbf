import type { TaskDefinition } from '../types';
import { CATEGORIES } from './common';

const focus = {
  name: 'focus',
  label: 'Focus (optional)',
  placeholder: 'a workload, service or concern',
  required: false,
};

/** Well-Architected guidance, grounded in the account where the tools can see it. */
function guidance(id: string, title: string, description: string, topic: string): TaskDefinition {
  return {
    id,
    title,
    category: CATEGORIES.guidance,
    description,
    mutating: false,
    params: [focus],
    prompt:
      `Give best-practice guidance on ${topic}, following the AWS Well-Architected Framework. Focus: {focus}. ` +
      'Where the account can show how it measures up, check it with the read-only tools first, then list the most ' +
      'important recommendations in priority order, each with why it matters and how to do it (console, CLI or ' +
      'CloudFormation). When AWS documentation tools are offered, check current guidance there and cite the pages ' +
      'with links. Keep it to what applies.',
  };
}

export const GUIDANCE_TASKS: TaskDefinition[] = [
  guidance(
    'guidance-security',
    'Security best practices',
    'Identity, detection, data protection and incident response.',
    'security (IAM least privilege, MFA, CloudTrail, GuardDuty, encryption at rest and in transit, network exposure)',
  ),
  guidance(
    'guidance-cost',
    'Cost optimization best practices',
    'Right-sizing, pricing models, storage tiers and cost visibility.',
    'cost optimization (right-sizing, Savings Plans and Reserved Instances, Spot, storage classes, tagging and budgets)',
  ),
  guidance(
    'guidance-performance',
    'Performance best practices',
    'Instance and storage choices, caching and monitoring.',
    'performance efficiency (instance families, Graviton, EBS volume types, caching with CloudFront and ElastiCache, load testing)',
  ),
  guidance(
    'guidance-reliability',
    'Reliability best practices',
    'Multi-AZ design, scaling, backups and failure testing.',
    'reliability (Multi-AZ, Auto Scaling, health checks, backups and restore tests, quotas, chaos testing)',
  ),
  guidance(
    'guidance-networking',
    'Networking best practices',
    'VPC design, connectivity, segmentation and DNS.',
    'networking (VPC and CIDR planning, public and private subnets, NAT, VPC endpoints, Transit Gateway, security groups versus NACLs, Route 53)',
  ),
  guidance(
    'guidance-serverless',
    'Serverless best practices',
    'Lambda, API Gateway, DynamoDB and event-driven design.',
    'serverless (Lambda memory and timeouts, cold starts, concurrency, idempotency, DLQs, API Gateway throttling, DynamoDB capacity modes)',
  ),
  guidance(
    'guidance-containers',
    'Container best practices',
    'ECS and EKS: images, scaling, networking and security.',
    'containers on ECS and EKS (image scanning, task roles, Fargate versus EC2, autoscaling, logging, version upgrades)',
  ),
  guidance(
    'guidance-disaster-recovery',
    'Disaster recovery best practices',
    'RTO and RPO, backup, pilot light, warm standby, multi-region.',
    'disaster recovery (RTO and RPO targets, AWS Backup, cross-region replication, pilot light, warm standby, multi-site, runbooks and drills)',
  ),
  guidance(
    'guidance-compliance',
    'Compliance best practices',
    'Controls and evidence for frameworks such as CIS, PCI DSS, HIPAA and SOC 2.',
    'compliance (AWS Config conformance packs, Security Hub standards, Audit Manager, CloudTrail integrity, data residency, evidence collection for CIS, PCI DSS, HIPAA and SOC 2)',
  ),
  guidance(
    'guidance-monitoring',
    'Monitoring and observability best practices',
    'Metrics, logs, traces, alarms and dashboards that catch problems early.',
    'monitoring and observability (golden signals, CloudWatch alarms and anomaly detection, structured logs and Logs Insights, X-Ray and OpenTelemetry traces, dashboards, on-call runbooks)',
  ),
  guidance(
    'guidance-database',
    'Database best practices',
    'Engine choice, sizing, high availability, backups and performance.',
    'databases (choosing RDS, Aurora or DynamoDB, instance sizing and Graviton, Multi-AZ and read replicas, backups and PITR, connection pooling with RDS Proxy, Performance Insights, encryption)',
  ),
];
