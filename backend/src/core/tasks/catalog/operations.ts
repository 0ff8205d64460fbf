import type { TaskDefinition } from '../types';
import { CATEGORIES, CHANGE_PROCEDURE, region, stackName } from './common';

export const OPERATION_TASKS: TaskDefinition[] = [
  {
    id: 'ops-scale',
    title: 'Scale a workload',
    category: CATEGORIES.operations,
    description:
      'Change capacity (instance sizes, task counts, scaling limits) of a stack through a change set.',
    mutating: true,
    params: [
      stackName(true),
      { name: 'change', label: 'What to scale', placeholder: 'run 6 tasks instead of 3', required: true },
      region,
    ],
    prompt:
      'Scale the workload in CloudFormation stack {stackName} ({region}): {change}. Read the stack, its parameters ' +
      'and template first, and check the current load with metric_chart so the new size is justified. Change ' +
      `capacity through the stack's template or parameters only, never around CloudFormation. ${CHANGE_PROCEDURE}`,
  },
  {
    id: 'ops-backup',
    title: 'Back up resources',
    category: CATEGORIES.operations,
    description: 'Find what has no backup and add it to an AWS Backup plan through a change set.',
    mutating: true,
    params: [stackName(true), region],
    prompt:
      'Find the resources in {region} that have no backup: EBS volumes, RDS and Aurora, DynamoDB tables without ' +
      'point-in-time recovery, EFS. Show them as a table, then create an AWS Backup plan with a selection by tag ' +
      `(Backup=true) as stack {stackName}, and say which resources need the tag. ${CHANGE_PROCEDURE}`,
  },
  {
    id: 'ops-restore',
    title: 'Restore from a backup',
    category: CATEGORIES.operations,
    description:
      'Pick a snapshot or recovery point and restore it as a new resource, never over the original.',
    mutating: true,
    params: [
      {
        name: 'resource',
        label: 'Resource to restore',
        placeholder: 'RDS instance orders-db',
        required: true,
      },
      stackName(true),
      region,
    ],
    prompt:
      'Plan a restore of {resource} in {region}: list its snapshots or recovery points with their times, ask the user ' +
      'which point to restore if it is not clear, and restore it as a NEW resource in stack {stackName} (never over ' +
      `the original), with the same network and security settings. ${CHANGE_PROCEDURE}`,
  },
  {
    id: 'ops-audit',
    title: 'Audit infrastructure',
    category: CATEGORIES.operations,
    description: 'Tags, encryption, public exposure, backups, logging and drift, as one report.',
    mutating: false,
    params: [region],
    prompt:
      'Audit the infrastructure in {region} with the read-only tools: untagged resources, unencrypted volumes, ' +
      'buckets and databases, public exposure (security groups, buckets, load balancers), resources without backups, ' +
      'missing logging (CloudTrail, VPC flow logs, ALB access logs) and stacks that drifted. Report as a table per ' +
      'area with a severity and the fix, most severe first.',
  },
  {
    id: 'ops-document',
    title: 'Document existing infrastructure',
    category: CATEGORIES.operations,
    description: 'A markdown write-up of what runs in a region: inventory, diagram, dependencies and owners.',
    mutating: false,
    params: [region],
    prompt:
      'Write documentation of the infrastructure in {region} as markdown a new team member could read: an overview, ' +
      'a mermaid architecture diagram (diagram_from_inventory), an inventory table per service (name, purpose, size, ' +
      'tags such as Owner and Environment), how traffic flows, where data lives and how it is backed up, the ' +
      'CloudFormation stacks, and open questions. Only state what the tools show.',
  },
];
