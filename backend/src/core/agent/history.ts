/**
 * Stored turns back into a Converse conversation. Converse is strict (user first, roles
 * alternating, every toolUse answered by a toolResult in the next message), while stored history
 * can hold interrupted turns; this repairs what breaks those rules instead of failing the chat.
 */
import type { ContentBlock, Message } from '@aws-sdk/client-bedrock-runtime';
import type { StoredTurn } from '../memory/types';

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
        ? [{ role: turn.role, content: [{ text: turn.text }] }]
        : [],
  );
  raw.push(...tail);
  const paired = pairToolBlocks(mergeRoles(raw));
  const merged = mergeRoles(paired.filter((m) => (m.content?.length ?? 0) > 0));
  while (merged.length > 0 && merged[0]!.role !== 'user') merged.shift();
  return merged;
}

function mergeRoles(messages: Message[]): Message[] {
  const out: Message[] = [];
  for (const message of messages) {
    const last = out.at(-1);
    if (last && last.role === message.role) {
      last.content = [...(last.content ?? []), ...(message.content ?? [])];
    } else {
      out.push({ role: message.role, content: [...(message.content ?? [])] });
    }
  }
  return out;
}

/** Keeps a toolUse only if the next message answers it, and a toolResult only if it answers one. */
function pairToolBlocks(messages: Message[]): Message[] {
  return messages.map((message, i) => {
    const content = message.content ?? [];
    if (message.role === 'assistant') {
      const answered = idsOf(messages[i + 1]?.content, 'result');
      return { ...message, content: content.filter((c) => !c.toolUse || answered.has(c.toolUse.toolUseId!)) };
    }
    const previous = messages[i - 1];
    const asked = previous?.role === 'assistant' ? idsOf(previous.content, 'use') : new Set<string>();
    return {
      ...message,
      content: content.filter((c) => !c.toolResult || asked.has(c.toolResult.toolUseId!)),
    };
  });
}

function idsOf(content: ContentBlock[] | undefined, kind: 'use' | 'result'): Set<string> {
  const ids = (content ?? []).map((c) => (kind === 'use' ? c.toolUse?.toolUseId : c.toolResult?.toolUseId));
  return new Set(ids.filter((id): id is string => id !== undefined));
}
