/**
 * Replies to the JSON actions, parsed with their schemas on receipt: a client never trusts a
 * reply's shape, and fields it does not know (a newer backend) are dropped, not carried along.
 */
import type * as z from 'zod';
import {
  DeleteSessionReply,
  GetSessionReply,
  ListSessionsReply,
  ListTasksReply,
  RenameSessionReply,
  WhoamiReply,
  type Action,
  type ReplyOf,
} from './schemas';

export const ReplySchemas = {
  listSessions: ListSessionsReply,
  getSession: GetSessionReply,
  renameSession: RenameSessionReply,
  deleteSession: DeleteSessionReply,
  listTasks: ListTasksReply,
  whoami: WhoamiReply,
} satisfies Record<Exclude<Action, 'chat'>, z.ZodType>;

/** The reply, typed; or why it does not fit the contract, in a line fit for a log (never its content). */
export function checkReply<A extends Exclude<Action, 'chat'>>(
  action: A,
  body: unknown,
): { reply: ReplyOf<A> } | { problem: string } {
  const parsed = ReplySchemas[action].safeParse(body);
  if (parsed.success) return { reply: parsed.data as ReplyOf<A> };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  return {
    problem: `The reply to ${action} does not match the contract${where}: ${issue?.message ?? 'invalid'}.`,
  };
}
