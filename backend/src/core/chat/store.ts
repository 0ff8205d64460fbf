/**
 * Stores what a turn produced, however it ended, and counts its tokens against the user's day.
 * A failure here is logged, never thrown: the stream may already be gone and the user's message is
 * safe; the answer is what is lost.
 */
import { boundAnswer, hasToolBlocks, redactMessages } from '../agent/stored-answer';
import { hasUsage, reportedUsage, type TurnRecord } from '../agent/turn-record';
import type { Actor } from '../auth/authenticator';
import type { ServiceDeps } from '../deps';
import { spendTokens } from './quota';

/** What a turn leaves to store: its record, the answer as the user saw it, and whether it was cut short. */
export interface Answer {
  record: TurnRecord;
  text: string;
  interrupted: boolean;
}

export async function storeAnswer(
  deps: ServiceDeps,
  actor: Actor,
  sessionId: string,
  { record, text, interrupted }: Answer,
): Promise<void> {
  const pending = new Set(record.toolCalls.filter((c) => c.status === 'pending').map((c) => c.id));
  const turn = boundAnswer({
    role: 'assistant',
    text,
    createdAt: deps.now().toISOString(),
    status: interrupted ? 'interrupted' : 'complete',
    ...(record.toolCalls.length ? { toolCalls: [...record.toolCalls] } : {}),
    // Kept with the answer so a resumed session still knows what it cost, and which model answered.
    ...(hasUsage(record) ? { usage: reportedUsage(record, deps.model.modelId) } : {}),
    ...(hasToolBlocks(record.messages) ? { messages: redactMessages(record.messages, pending) } : {}),
  });
  try {
    await deps.memory.appendTurn(actor.actorId, sessionId, turn);
  } catch (error) {
    deps.log.error('could not store the assistant turn', { error });
  }
  await spendTokens(deps, actor.actorId, record.usage.inputTokens + record.usage.outputTokens);
}
