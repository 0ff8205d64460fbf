/**
 * What one turn produced. `runAgentTurn` (loop.ts) creates it and is its only writer; the tool
 * runners hand it their calls as return values, and the caller reads it, read-only, once the turn
 * ended however it ended.
 */
import type { DoneReason, TurnToolCall, Usage } from '../../protocol';
import type { Message } from '../model/types';

export interface TurnRecord {
  readonly toolCalls: readonly TurnToolCall[];
  /** The messages this turn added after the user's, in the neutral form, for faithful replay. */
  readonly messages: readonly Message[];
  readonly usage: Readonly<Required<Usage>>;
  /** Undefined while the turn runs, and when it failed. */
  readonly stopReason: DoneReason | undefined;
  /** Bedrock's guardrail trace of the last model call, when a guardrail is configured. */
  readonly guardrailTrace: unknown;
}

/**
 * What a turn produced before its first model call, which its record starts from: the decided calls
 * of a resumed approval and their results, and the tokens of the summary call that fit the context.
 */
export interface TurnStart {
  toolCalls?: readonly TurnToolCall[];
  messages?: readonly Message[];
  usage?: Usage;
}

/** A record of `start` alone: the turn failed before the agent ran. */
export function startedRecord(start: TurnStart = {}): TurnRecord {
  return {
    toolCalls: [...(start.toolCalls ?? [])],
    messages: [...(start.messages ?? [])],
    usage: addTokens(noTokens(), start.usage),
    stopReason: undefined,
    guardrailTrace: undefined,
  };
}

export function noTokens(): Required<Usage> {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
}

/** `total` plus `usage`, in place (a running sum within one turn). */
export function addTokens(total: Required<Usage>, usage: Usage | undefined): Required<Usage> {
  if (!usage) return total;
  total.inputTokens += usage.inputTokens;
  total.outputTokens += usage.outputTokens;
  total.cacheReadTokens += usage.cacheReadTokens ?? 0;
  total.cacheWriteTokens += usage.cacheWriteTokens ?? 0;
  return total;
}

export function hasUsage(record: TurnRecord): boolean {
  return record.usage.inputTokens > 0 || record.usage.outputTokens > 0;
}

/** The usage as the stream and the store carry it: cache fields only when there were any. */
export function reportedUsage(record: TurnRecord, modelId: string) {
  const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens } = record.usage;
  return {
    inputTokens,
    outputTokens,
    ...(cacheReadTokens ? { cacheReadTokens } : {}),
    ...(cacheWriteTokens ? { cacheWriteTokens } : {}),
    modelId,
  };
}
