/**
 * Human in the loop. A turn that stopped on `approval_required` left its pending tool calls, with
 * their exact inputs, in the session's last assistant turn. A later `chat` with `approvals`
 * decides them: only calls pending in that session, only once, deletions only with the typed
 * confirmation. The inputs run are the stored ones, never anything the client sends.
 */
import type { Approval, Approver, StreamEvent } from '../../protocol';
import { InvalidRequestError } from '../errors';
import type { StoredTurn } from '../memory/types';
import type { ToolRegistry } from '../tools/registry';
import type { Message, ToolResultBlock } from '../model/types';
import type { TurnRecord } from './turn-record';
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

export interface Decision {
  use: PendingToolUse;
  /** Read-only calls of the same model response run without asking. */
  verdict: 'approve' | 'deny' | 'read-only';
}

/**
 * The calls waiting in the session's last turn, or none. The input that runs is the model's own,
 * kept in the turn's replay data; `toolCalls` holds the redacted copy the user was shown.
 */
export function pendingCalls(lastTurn: StoredTurn | undefined): PendingToolUse[] {
  if (lastTurn?.role !== 'assistant') return [];
  const written = new Map<string, unknown>();
  for (const m of lastTurn.messages ?? [])
    for (const c of m.content) if (c.type === 'toolUse') written.set(c.toolUseId, c.input);
  const pending = (lastTurn.toolCalls ?? []).filter((c) => c.status === 'pending');
  return pending.map((c) => ({
    toolUseId: c.id,
    name: c.name,
    input: written.has(c.id) ? written.get(c.id) : c.input,
  }));
}

/** Matches the client's approvals to the pending calls; anything that does not fit is a 400. */
export function decide(pending: PendingToolUse[], approvals: Approval[], tools: ToolRegistry): Decision[] {
  if (pending.length === 0)
    throw new InvalidRequestError('no tool call of this session is waiting for approval');
  const byId = new Map(approvals.map((a) => [a.toolUseId, a]));
  if (byId.size !== approvals.length) throw new InvalidRequestError('each toolUseId may be decided once');
  const mutating = pending.filter((use) => needsApproval(tools, use.name));
  for (const approval of approvals) {
    if (!mutating.some((use) => use.toolUseId === approval.toolUseId)) {
      throw new InvalidRequestError(
        `toolUseId ${approval.toolUseId} is not waiting for approval in this session`,
      );
    }
  }
  return pending.map((use) => {
    const tool = tools.get(use.name);
    if (!needsApproval(tools, use.name)) return { use, verdict: 'read-only' };
    const approval = byId.get(use.toolUseId);
    if (!approval)
      throw new InvalidRequestError(
        `decide every waiting call: ${use.toolUseId} (${use.name}) has no decision`,
      );
    if (approval.decision === 'deny') return { use, verdict: 'deny' };
    if (!tool)
      throw new InvalidRequestError(`${use.name} is not available (TOOLS_MODE=read-only?); deny it instead`);
    const required = confirmTextFor(tools, use);
    if (required !== undefined && approval.confirmText !== required) {
      throw new InvalidRequestError(`approving ${use.name} needs confirmText "${required}"`);
    }
    return { use, verdict: 'approve' };
  });
}

/** What the user decided, as the user turn stored before anything runs. */
export function describeDecisions(decisions: Decision[]): string {
  return decisions
    .filter((d) => d.verdict !== 'read-only')
    .map((d) => `${d.verdict === 'approve' ? 'Approved' : 'Denied'} ${d.use.name} (${d.use.toolUseId}).`)
    .join('\n');
}

/** Runs the decided calls and yields their results; returns the message carrying them to the model. */
export async function* executeDecisions(
  decisions: Decision[],
  options: Pick<RunOptions, 'tools' | 'context' | 'maxOutputChars' | 'guard'> & {
    record: TurnRecord;
    approver?: Approver;
  },
): AsyncGenerator<StreamEvent, Message> {
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
      : executeToolUse(d.use, d.verdict === 'approve' ? approved : options),
  );
  const content: ToolResultBlock[] = [];
  for (const [i, d] of decisions.entries())
    content.push(
      yield* reportToolResult(
        d.use,
        outcomes[i]!,
        options,
        d.verdict === 'approve' ? options.approver : undefined,
      ),
    );
  const message: Message = { role: 'user', content };
  options.record.messages.push(message);
  return message;
}
