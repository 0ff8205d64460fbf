/**
 * A stored conversation read back for the chat (a resume): every page of its turns, its summary,
 * and, for a call still waiting, whether this user may approve it (stored turns do not say; the
 * backend's whoami does). No `vscode`: unit-tested.
 */
import type { ReplyOf, SessionSummary, Turn } from '../../backend/src/protocol';
import { turnsToItems, withApprovalRights, type ConversationState } from '../../shared/conversation-state';
import type { AgentConnection } from '../connection/types';

type Rights = Pick<ReplyOf<'whoami'>, 'canApprove' | 'approverGroups'>;

/** Who this user is on each connection, asked once per connection (a new sign-in is a new connection). */
export class ApprovalRights {
  private readonly known = new WeakMap<AgentConnection, Promise<Rights | undefined>>();

  constructor(private readonly log?: (message: string) => void) {}

  get(connection: AgentConnection): Promise<Rights | undefined> {
    let rights = this.known.get(connection);
    if (!rights) {
      rights = connection.invoke({ action: 'whoami' }).then(
        ({ canApprove, approverGroups }) => ({
          ...(canApprove !== undefined ? { canApprove } : {}),
          ...(approverGroups ? { approverGroups } : {}),
        }),
        (error: unknown) => {
          // Not known: the card offers Approve, and the backend still decides.
          this.log?.(`chat: whoami failed: ${(error as Error).message}`);
          this.known.delete(connection);
          return undefined;
        },
      );
      this.known.set(connection, rights);
    }
    return rights;
  }
}

/** Every page of a conversation, as the chat's state (items, title, stored turn count). */
export async function loadConversation(
  connection: AgentConnection,
  sessionId: string,
  rights: ApprovalRights,
): Promise<Pick<ConversationState, 'title' | 'items' | 'storedTurns'>> {
  const first = await connection.invoke({ action: 'getSession', sessionId, limit: 500 });
  const turns: Turn[] = [...first.turns];
  let summary: SessionSummary | undefined = first.summary;
  for (let cursor = first.nextCursor; cursor;) {
    const page = await connection.invoke({ action: 'getSession', sessionId, limit: 500, cursor });
    turns.push(...page.turns);
    summary ??= page.summary;
    cursor = page.nextCursor;
  }
  let items = turnsToItems(turns, summary);
  if (items.some((it) => it.kind === 'approval')) {
    const known = await rights.get(connection);
    if (known) items = withApprovalRights(items, known);
  }
  return { title: first.session.title, items, storedTurns: turns.length };
}
