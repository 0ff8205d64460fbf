/**
 * Predefined cloud-engineering tasks, as data. `prompt` is what the model is told; `{name}` slots
 * are filled from the task's params. Categories follow the reference agent.
 */
import type { TaskDefinition } from '../types';
import { CHANGE_TASKS } from './changes';
import { COST_TASKS } from './cost';
import { DIAGRAM_TASKS } from './diagrams';
import { GUIDANCE_TASKS } from './guidance';
import { RESOURCE_TASKS } from './resources';
import { SECURITY_TASKS } from './security';

export { CATEGORIES } from './common';

export const TASKS: readonly TaskDefinition[] = [
  ...RESOURCE_TASKS,
  ...SECURITY_TASKS,
  ...COST_TASKS,
  ...DIAGRAM_TASKS,
  ...GUIDANCE_TASKS,
  ...CHANGE_TASKS,
];
