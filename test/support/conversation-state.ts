/** Conversation states for tests of the chat view's state (shared/conversation-state.ts). */
import type { StreamEvent, Turn } from '../../backend/src/protocol';
import {
  applyEvent,
  emptyState,
  turnsToItems,
  type ConversationState,
} from '../../shared/conversation-state';

/** The state once `events` arrived (by default, into an empty conversation waiting on its answer). */
export const streamed = (events: StreamEvent[], from: ConversationState = { ...emptyState(), busy: true }) =>
  events.reduce(applyEvent, from);

/** The items a resumed session shows for one question and its `answer` (its tool calls, usage…). */
export const resumedExchange = (answer: Partial<Turn>, question = 'q') =>
  turnsToItems([
    { role: 'user', text: question, createdAt: 't', status: 'complete' },
    { role: 'assistant', text: '', createdAt: 't', status: 'complete', ...answer },
  ]);
