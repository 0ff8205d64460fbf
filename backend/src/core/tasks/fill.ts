import { InvalidRequestError } from '../errors';
import type { TaskDefinition } from './types';
import type { Task } from '../../protocol';

/** Longer values are not parameters but instructions: they belong in the message. */
const PARAM_MAX_CHARS = 2048;

/** The public view of a catalog entry: the contract's `Task`, without the prompt. */
export function publicTask({ prompt: _prompt, ...task }: TaskDefinition): Task {
  return task;
}

/**
 * The prompt a task sends to the model. Required params must be present and non-blank; a blank
 * optional param reads as "not specified" so the prompt never carries an empty slot; unknown
 * params are refused so a typo does not silently run a different task.
 */
export function fillTaskPrompt(
  task: TaskDefinition,
  params: Record<string, string> = {},
  extra?: string,
): string {
  const known = new Set((task.params ?? []).map((p) => p.name));
  const unknown = Object.keys(params).filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new InvalidRequestError(`task ${task.id} has no parameter ${unknown.join(', ')}`);
  for (const param of task.params ?? []) {
    const value = params[param.name]?.trim();
    if (param.required && !value) {
      throw new InvalidRequestError(`task ${task.id} needs the parameter "${param.name}" (${param.label})`);
    }
    if (value && value.length > PARAM_MAX_CHARS)
      throw new InvalidRequestError(`parameter "${param.name}" is over ${PARAM_MAX_CHARS} characters`);
    if (value && param.pattern && !new RegExp(param.pattern).test(value)) {
      throw new InvalidRequestError(
        `parameter "${param.name}" is not valid: ${param.patternError ?? `it must match ${param.pattern}`}`,
      );
    }
  }
  const prompt = task.prompt.replace(/\{(\w+)\}/g, (slot, name: string) => {
    if (!known.has(name)) return slot;
    const value = params[name]?.trim();
    if (value) return value;
    return name === 'region' ? 'the configured region' : 'not specified';
  });
  return extra?.trim() ? `${prompt}\n\nAdditional instructions: ${extra.trim()}` : prompt;
}
