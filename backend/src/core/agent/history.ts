/**
 * Stored turns back into a model conversation. Every provider is strict (user first, roles
 * alternating, every toolUse answered by a toolResult in the next message), while stored history
 * can hold interrupted turns; this repairs what breaks those rules instead of failing the chat.
 */
import type { StoredTurn } from '../memory/types';
import type { ContentBlock, Message } from '../model/types';

/**
 * `tail` is appended before the repair, so a pending toolUse in the last stored turn is kept when
 * the tail brings its results (an approved call resuming the turn).
 */
export function toModelHistory(turns: StoredTurn[], tail: Message[] = []): Message[] {
  const raw: Message[] = turns.flatMap((turn) =>
    // `messages` is authoritative when present: an empty list means the turn is for display only.
    turn.messages !== undefined
      ? turn.messages
      : turn.text
        ? [{ role: turn.role, content: [{ type: 'text' as const, text: turn.text }] }]
        : [],
  );
  raw.push(...tail);
  const paired = pairToolBlocks(mergeRoles(raw));
  const merged = mergeRoles(paired.filter((m) => m.content.length > 0));
  while (merged.length > 0 && merged[0]!.role !== 'user') merged.shift();
  return merged;
}

function mergeRoles(messages: Message[]): Message[] {
  const out: Message[] = [];
  for (const message of messages) {
    const last = out.at(-1);
    if (last && last.role === message.role) last.content = [...last.content, ...message.content];
    else out.push({ role: message.role, content: [...message.content] });
  }
  return out;
}

/**
 * Keeps a toolUse only if the next message answers it, and a toolResult only if it answers one.
 * Reasoning is kept only in the assistant message the final user message answers (an approved
 * call resuming its turn, where a provider wants it back); older reasoning is tokens for nothing.
 */
function pairToolBlocks(messages: Message[]): Message[] {
  return messages.map((message, i) => {
    if (message.role === 'assistant') {
      const answered = idsOf(messages[i + 1]?.content, 'toolResult');
      const resumed = i === messages.length - 2;
      return {
        ...message,
        content: message.content.filter(
          (c) => (c.type !== 'toolUse' || answered.has(c.toolUseId)) && (c.type !== 'reasoning' || resumed),
        ),
      };
    }
    const previous = messages[i - 1];
    const asked = previous?.role === 'assistant' ? idsOf(previous.content, 'toolUse') : new Set<string>();
    return {
      ...message,
      content: message.content.filter((c) => c.type !== 'toolResult' || asked.has(c.toolUseId)),
    };
  });
}

function idsOf(content: ContentBlock[] | undefined, type: 'toolUse' | 'toolResult'): Set<string> {
  const ids = new Set<string>();
  for (const c of content ?? []) if (c.type === type) ids.add(c.toolUseId);
  return ids;
}
