/**
 * The assistant turn as stored: redacted like what the user saw, and bounded in size so one
 * conversation cannot grow without limit.
 */
import { redactText } from '../guardrails/policy';
import type { StoredTurn } from '../memory/types';
import type { ContentBlock, Message } from '../model/types';
import { redactValue } from './redact-value';

/**
 * What one stored answer may weigh. Its replay data (tool calls and results, for the model's
 * context) is trimmed past this; with the turn limit it bounds what one conversation holds.
 */
export const MAX_STORED_ANSWER_BYTES = 64 * 1024;

/**
 * What is kept for replay holds no more personal data than what the user was shown. The input of a
 * call still waiting for approval is kept as the model wrote it: it is what runs once approved.
 */
export function redactMessages(messages: readonly Message[], pending: Set<string>): Message[] {
  return messages.map((m) => ({
    ...m,
    content: m.content.map((c): ContentBlock => {
      if (c.type === 'text') return { type: 'text', text: redactText(c.text).text };
      if (c.type === 'toolUse' && !pending.has(c.toolUseId))
        return { ...c, input: redactValue(c.input).value };
      return c;
    }),
  }));
}

/**
 * Keeps a stored answer under MAX_STORED_ANSWER_BYTES: long tool results in the replay data are cut
 * first (the model was told the gist already), then the replay data goes (the turn replays as its
 * text), then the text is cut.
 */
export function boundAnswer(turn: StoredTurn): StoredTurn {
  const size = (t: StoredTurn) => Buffer.byteLength(JSON.stringify(t), 'utf8');
  if (size(turn) <= MAX_STORED_ANSWER_BYTES) return turn;
  const cut = (text: string, chars: number) =>
    text.length > chars ? `${text.slice(0, chars)}\n[cut from the stored conversation]` : text;
  for (const chars of [4000, 1000, 200]) {
    const trimmed: StoredTurn = {
      ...turn,
      messages: turn.messages?.map((m) => ({
        ...m,
        content: m.content.map((c) => (c.type === 'toolResult' ? { ...c, text: cut(c.text, chars) } : c)),
      })),
    };
    if (size(trimmed) <= MAX_STORED_ANSWER_BYTES) return trimmed;
  }
  // Pending calls need their replay data to run once approved; anything else replays as text.
  const { messages: _messages, ...plain } = turn;
  const keepReplay = turn.toolCalls?.some((c) => c.status === 'pending');
  const base: StoredTurn = keepReplay ? turn : plain;
  const over = size(base) - MAX_STORED_ANSWER_BYTES;
  return over > 0 ? { ...base, text: cut(base.text, Math.max(0, base.text.length - over - 64)) } : base;
}

export function hasToolBlocks(messages: readonly Message[]): boolean {
  return messages.some((m) => m.content.some((c) => c.type === 'toolUse' || c.type === 'toolResult'));
}
