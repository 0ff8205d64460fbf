/**
 * Human in the loop. A turn that stopped on `approval_required` left its pending tool calls, with
 * their exact inputs, in the session's last assistant turn. A later `chat` with `approvals`
 * decides them: only calls pending in that session, only once, deletions only with the typed
 * confirmation. The inputs run are the stored ones, never anything the client sends. A call whose
 * tool is gone since (TOOLS_MODE=read-only, an MCP server removed) runs nothing, whatever was
 * decided: the model reads an error result, as it does for an unknown tool in a live turn.
 */
import type { Approval, Approver, StreamEvent, TurnToolCall } from '../../protocol';
import { InvalidRequestError } from '../errors';
import type { StoredTurn } from '../memory/types';
import type { ToolRegistry } from '../tools/registry';
import type { Message, ToolResultBlock } from '../model/types';
import {
  confirmTextFor,
  executeToolUse,
  mapLimit,
  needsApproval,
  reportToolResult,
  TOOL_CONCURRENCY,
  type PendingToolUse,
  type RunOptions,
} from './tool-calls';

export interface PendingCall extends PendingToolUse {
  /** As stored when the call was proposed: false for a call the user was asked to approve. */
  readOnly?: boolean;
}

export interface Decision {
  use: PendingToolUse;
  /**
   * Read-only calls of the same model response run without asking; `unavailable`: the tool is gone
   * since the call was proposed, so it does not run.
   */
  verdict: 'approve' | 'deny' | 'read-only' | 'unavailable';
}

/**
 * The calls waiting in the session's last turn, or none. The input that runs is the model's own,
 * kept in the turn's replay data; `toolCalls` holds the redacted copy the user was shown.
 */
export function pendingCalls(lastTurn: StoredTurn | undefined): PendingCall[] {
  if (lastTurn?.role !== 'assistant') return [];
  const written = new Map<string, unknown>();
  for (const m of lastTurn.messages ?? [])
    for (const c of m.content) if (c.type === 'toolUse') written.set(c.toolUseId, c.input);
  const pending = (lastTurn.toolCalls ?? []).filter((c) => c.status === 'pending');
  return pending.map((c) => ({
    toolUseId: c.id,
    name: c.name,
    input: written.has(c.id) ? written.get(c.id) : c.input,
    ...(c.readOnly !== undefined ? { readOnly: c.readOnly } : {}),
  }));
}

/** Matches the client's approvals to the pending calls; anything that does not fit is a 400. */
export function decide(pending: PendingCall[], approvals: Approval[], tools: ToolRegistry): Decision[] {
  if (pending.length === 0)
    throw new InvalidRequestError('no tool call of this session is waiting for approval');
  const byId = new Map(approvals.map((a) => [a.toolUseId, a]));
  if (byId.size !== approvals.length) throw new InvalidRequestError('each toolUseId may be decided once');
  // The calls the user was asked about: those that need approval, and those that did when they were
  // proposed and whose tool is gone since (their card is still on the screen; deciding it is no error).
  const asked = pending.filter(
    (use) => needsApproval(tools, use.name) || (!tools.get(use.name) && use.readOnly !== true),
  );
  for (const approval of approvals) {
    if (!asked.some((use) => use.toolUseId === approval.toolUseId)) {
      throw new InvalidRequestError(
        `toolUseId ${approval.toolUseId} is not waiting for approval in this session`,
      );
    }
  }
  return pending.map((use): Decision => {
    if (!tools.get(use.name)) return { use, verdict: 'unavailable' };
    if (!needsApproval(tools, use.name)) return { use, verdict: 'read-only' };
    const approval = byId.get(use.toolUseId);
    if (!approval)
      throw new InvalidRequestError(
        `decide every waiting call: ${use.toolUseId} (${use.name}) has no decision`,
      );
    if (approval.decision === 'deny') return { use, verdict: 'deny' };
    const required = confirmTextFor(tools, use);
    if (required !== undefined && approval.confirmText !== required) {
      throw new InvalidRequestError(`approving ${use.name} needs confirmText "${required}"`);
    }
    return { use, verdict: 'approve' };
  });
}

/** What the user decided, as the user turn stored before anything runs. */
export function describeDecisions(decisions: Decision[]): string {
  const said = { approve: 'Approved', deny: 'Denied', unavailable: 'Not run (no longer available):' };
  return decisions
    .flatMap(({ use, verdict }) =>
      verdict === 'read-only' ? [] : [`${said[verdict]} ${use.name} (${use.toolUseId}).`],
    )
    .join('\n');
}

/** What the decided calls produced: their calls for the turn's record, their results for the model. */
export interface DecidedCalls {
  toolCalls: TurnToolCall[];
  message: Message;
}

/** Runs the decided calls, at most TOOL_CONCURRENCY at a time, and yields their results. */
export async function* executeDecisions(
  decisions: Decision[],
  options: Pick<RunOptions, 'tools' | 'context' | 'maxOutputChars' | 'guard'> & { approver?: Approver },
): AsyncGenerator<StreamEvent, DecidedCalls> {
  const approved = {
    ...options,
    context: { ...options.context, ...(options.approver ? { approver: options.approver } : {}) },
  };
  // Capped like every other batch of calls: one response can hold ten approved calls.
  const outcomes = await mapLimit(decisions, TOOL_CONCURRENCY, (d) =>
    d.verdict === 'deny'
      ? Promise.resolve({
          status: 'denied' as const,
          text: 'The user denied this call. It did not run. Do not retry it; ask the user how to proceed.',
          summary: 'Denied by the user.',
        })
      : // An unavailable call meets the one rule for unknown tools there: an error result, nothing run.
        executeToolUse(d.use, d.verdict === 'approve' ? approved : options),
  );
  const toolCalls: TurnToolCall[] = [];
  const content: ToolResultBlock[] = [];
  for (const [i, d] of decisions.entries()) {
    const approvedBy = d.verdict === 'approve' ? options.approver : undefined;
    const { call, result } = yield* reportToolResult(d.use, outcomes[i]!, approvedBy);
    toolCalls.push(call);
    content.push(result);
  }
  return { toolCalls, message: { role: 'user', content } };
}
