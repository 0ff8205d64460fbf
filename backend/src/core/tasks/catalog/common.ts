/** Shared pieces of the task catalog. */
import type { TaskParam } from '../../../protocol';

export const CATEGORIES = {
  resources: 'Resources & Status',
  security: 'Security',
  cost: 'Cost',
  diagrams: 'Architecture Diagrams',
  guidance: 'Best-Practice Guidance',
  changes: 'Infrastructure Changes',
} as const;

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
