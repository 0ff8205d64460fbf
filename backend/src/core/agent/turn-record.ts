/**
 * What one turn produced. `runAgentTurn` creates it and is its only writer while the turn runs;
 * the tool runners add the calls they ran; the caller stores it however the turn ended.
 */
import type { DoneReason, TurnToolCall } from '../../protocol';
import type { ModelFailure } from '../model/errors';
import type { Message, Usage } from '../model/types';

export class TurnRecord {
  /** The answer as shown to the user; the caller sets it from the text events it passed on. */
  text = '';
  toolCalls: TurnToolCall[] = [];
  /** The messages this turn added after the user's, in the neutral form, for faithful replay. */
  messages: Message[] = [];
  usage: Required<Usage> = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  /** Input tokens of the turn's last model call: the conversation's real size, for the budget. */
  lastInputTokens = 0;
  stopReason: DoneReason | undefined;
  failure: ModelFailure | undefined;
  /** Bedrock's guardrail trace of the last model call, when a guardrail is configured. */
  guardrailTrace: unknown;

  addUsage(usage: Usage): void {
    this.usage.inputTokens += usage.inputTokens;
    this.usage.outputTokens += usage.outputTokens;
    this.usage.cacheReadTokens += usage.cacheReadTokens ?? 0;
    this.usage.cacheWriteTokens += usage.cacheWriteTokens ?? 0;
    this.lastInputTokens = usage.inputTokens;
  }

  get hasUsage(): boolean {
    return this.usage.inputTokens > 0 || this.usage.outputTokens > 0;
  }
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
