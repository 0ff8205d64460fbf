/** A JSON action's reply, parsed with its schema on receipt: a malformed reply is a clear error, never a cast. */
import { checkReply, type ReplyOf } from '../../backend/src/protocol';
import { ConnectionError, type JsonAction } from './types';

export function replyOf<A extends JsonAction>(action: A, body: unknown, from: string): ReplyOf<A> {
  const checked = checkReply(action, body);
  if ('reply' in checked) return checked.reply;
  throw new ConnectionError('internal', `${checked.problem} (from ${from})`);
}
