/**
 * `recall_past_conversations`: the caller's own earlier conversations on a subject, with the
 * session to cite. The actor is always the verified caller's (ToolContext.actorId); the input has
 * no field for it and refuses unknown fields.
 */
import * as z from 'zod';
import type { MemoryStore } from '../../memory/types';
import { defineTool, type Tool } from '../types';
import { hasLongTermSearch, searchLongTerm, searchSessions, type RecallQuery } from './search';

const Input = z.strictObject({
  query: z
    .string()
    .trim()
    .min(2)
    .max(200)
    .describe('A keyword or short phrase the conversation would contain, e.g. "VPC" or "NAT gateway"'),
  withinDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe('Only conversations active in the last this many days, e.g. 14 for "last week"'),
  limit: z.number().int().min(1).max(5).optional().describe('Conversations to return (default 3)'),
});

export function recallPastConversations(
  memory: MemoryStore,
  now: () => Date = () => new Date(),
): Tool<z.infer<typeof Input>> {
  return defineTool({
    name: 'recall_past_conversations',
    description:
      "Searches the current user's own earlier conversations with you (never anyone else's) and returns the matching ones " +
      'with title, dates, session id and short excerpts. Use it when the user refers to earlier work, e.g. "what did we ' +
      'decide about the VPC last week?": query a keyword ("VPC"), not the whole question. Cite the conversation you rely ' +
      'on by its title and date, with its session id.',
    inputSchema: Input,
    readOnly: true,
    async run(input, context) {
      const q: RecallQuery = {
        actorId: context.actorId,
        query: input.query,
        limit: input.limit ?? 3,
        ...(input.withinDays ? { since: new Date(now().getTime() - input.withinDays * 86_400_000) } : {}),
        ...(context.sessionId ? { excludeSessionId: context.sessionId } : {}),
      };
      // A memory without long-term strategies (or a failed search) still has the session search.
      let found = hasLongTermSearch(memory) ? await searchLongTerm(memory, q).catch(() => []) : [];
      const source = found.length > 0 ? 'long-term memory' : 'conversation text';
      if (found.length === 0) found = await searchSessions(memory, q);
      if (found.length === 0)
        return {
          query: input.query,
          conversations: [],
          note: 'No earlier conversation of this user matches.',
        };
      return {
        query: input.query,
        source,
        conversations: found,
        cite: 'Cite each conversation you use as "<title>" (<date>, session <sessionId>).',
      };
    },
  });
}
