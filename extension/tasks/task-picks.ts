/** Run Cloud Task's list and parameter checks, free of `vscode` (the picker maps these to QuickPick items). */
import type { Task, TaskParam } from '../../backend/src/protocol';

export type TaskPick =
  | { kind: 'separator'; label: string }
  | { kind: 'task'; label: string; description: string; detail: string; task: Task };

const CATEGORY_ORDER = [
  'Resources & Status',
  'Security',
  'Cost',
  'Architecture Diagrams',
  'Best-Practice Guidance',
  'Infrastructure Changes',
];

/** Tasks grouped by category (known categories first, in the reference agent's order), a separator each. */
export function taskPicks(tasks: readonly Task[]): TaskPick[] {
  const categories = [...new Set(tasks.map((t) => t.category))].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
  return categories.flatMap((category) => [
    { kind: 'separator' as const, label: category },
    ...tasks
      .filter((t) => t.category === category)
      .map((task) => ({
        kind: 'task' as const,
        label: `${task.mutating ? '$(warning) ' : ''}${task.title}`,
        description: task.mutating ? 'changes AWS, with your approval' : '',
        detail: task.description,
        task,
      })),
  ]);
}

function rank(category: string): number {
  const i = CATEGORY_ORDER.indexOf(category);
  return i < 0 ? CATEGORY_ORDER.length : i;
}

/** The input box's verdict on a value: undefined when acceptable, else the message to show. */
export function validateParam(param: TaskParam, value: string): string | undefined {
  const v = value.trim();
  if (!v) return param.required ? `${param.label} is required` : undefined;
  if (v.length > 2048) return 'At most 2,048 characters';
  switch (param.name) {
    case 'region':
      return /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(v) ? undefined : 'An AWS region such as us-east-1';
    case 'vpcId':
      return /^vpc-[0-9a-f]{8,17}$/.test(v) ? undefined : 'A VPC id such as vpc-0123456789abcdef0';
    case 'stackName':
      return /^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(v)
        ? undefined
        : 'Letters, digits and hyphens, starting with a letter';
    case 'cidr':
      return /^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-8])$/.test(v)
        ? undefined
        : 'An IPv4 CIDR from /16 to /28, such as 10.0.0.0/16';
    case 'days':
    case 'azCount':
    case 'budget':
      return /^\d+(\.\d+)?$/.test(v) ? undefined : 'A number';
    default:
      return undefined;
  }
}
