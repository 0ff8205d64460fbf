/**
 * Predefined cloud-engineering tasks, as data. `prompt` is what the model is told; `{name}` slots
 * are filled from the task's params. Categories follow the reference agent.
 */
import type { TaskDefinition } from '../types';
import { CHANGE_TASKS } from './changes';
import { COST_TASKS } from './cost';
import { DIAGRAM_TASKS } from './diagrams';
import { PARAM_PATTERNS } from './common';
import { GUIDANCE_TASKS } from './guidance';
import { OPERATION_TASKS } from './operations';
import { RESOURCE_TASKS } from './resources';
import { SECURITY_TASKS } from './security';
import { STACK_TASKS } from './stacks';
import { TROUBLESHOOTING_TASKS } from './troubleshooting';

export { CATEGORIES } from './common';

/** Every parameter gets the pattern of its name unless it brings its own. */
const typed = (task: TaskDefinition): TaskDefinition =>
  task.params
    ? { ...task, params: task.params.map((p) => (p.pattern ? p : { ...p, ...PARAM_PATTERNS[p.name] })) }
    : task;

export const TASKS: readonly TaskDefinition[] = [
  ...RESOURCE_TASKS,
  ...TROUBLESHOOTING_TASKS,
  ...SECURITY_TASKS,
  ...COST_TASKS,
  ...DIAGRAM_TASKS,
  ...GUIDANCE_TASKS,
  ...CHANGE_TASKS,
  ...STACK_TASKS,
  ...OPERATION_TASKS,
].map(typed);
