import type { Task } from '../../protocol';

/** A catalog entry: the contract's `Task` plus the prompt the model receives, with `{param}` slots. */
export interface TaskDefinition extends Task {
  prompt: string;
}
