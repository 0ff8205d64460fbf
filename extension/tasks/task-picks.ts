/** Run Cloud Task's list and parameter checks, free of `vscode` (the picker maps these to QuickPick items). */
import type { Task, TaskParam } from '../../backend/src/protocol';

export type TaskPick =
  | { kind: 'separator'; label: string }
  | { kind: 'task'; label: string; description: string; detail: string; task: Task };

const CATEGORY_ORDER = [
  'Resources & Status',
  'Troubleshooting',
  'Security',
  'Cost',
  'Architecture Diagrams',
  'Best-Practice Guidance',
  'Operations',
  'Infrastructure Changes',
  'Complete Stacks',
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
  if (!param.pattern) return undefined;
  // The pattern comes from the task definition, which the backend checks the same way.
  let pattern: RegExp;
  try {
    pattern = new RegExp(param.pattern);
  } catch {
    return undefined;
  }
  return pattern.test(v) ? undefined : (param.patternError ?? `Must match ${param.pattern}`);
}
