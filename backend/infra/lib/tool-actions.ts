/**
 * The tools role's actions, derived from what each tool declares beside its `run` (`Tool.iam`;
 * `aws_read`'s from its allowlist). A unit test ties each declaration to the calls its tool makes,
 * so the role and the tools cannot drift, and a tool that calls AWS needs no edit here.
 */
import { ALL_TOOLS, type ToolsMode } from '../../src/core/tools/registry';
import type { Tool } from '../../src/core/tools/types';

export type { ToolsMode };

export interface ToolActions {
  /** Granted on every resource: what the offered tools read. */
  reads: string[];
  /** Granted on other stacks only (never this one or CDKToolkit): empty in read-only mode. */
  stackChanges: string[];
}

/**
 * What the tools offered in `mode` declare: read-only mode offers only read-only tools (as the
 * registry does) and grants no stack change at all, even one a read-only tool declares (drift
 * detection).
 */
export function toolActions(mode: ToolsMode, tools: readonly Tool<any>[] = ALL_TOOLS): ToolActions {
  const everyRead = new Set(tools.flatMap((t) => t.iam?.actions ?? []));
  for (const tool of tools) {
    for (const action of [...(tool.iam?.actions ?? []), ...(tool.iam?.stackChanges ?? [])])
      if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action))
        throw new Error(`${tool.name}: not an IAM action: ${action}`);
    for (const action of tool.iam?.stackChanges ?? []) {
      // The change path's resources are CloudFormation's: anything else has no scope here yet.
      if (!action.startsWith('cloudformation:'))
        throw new Error(`${tool.name}: ${action} is not a CloudFormation action; give it a scope first`);
      // Granted on every resource as a read, it would slip past the stack scoping.
      if (everyRead.has(action))
        throw new Error(`${tool.name}: ${action} is declared both as a read and as a stack change`);
    }
  }
  const offered = tools.filter((t) => mode === 'approve-writes' || t.readOnly);
  return {
    reads: unique(offered.flatMap((t) => t.iam?.actions ?? [])),
    stackChanges: mode === 'approve-writes' ? unique(offered.flatMap((t) => t.iam?.stackChanges ?? [])) : [],
  };
}

const unique = (actions: readonly string[]) => [...new Set(actions)].sort();
