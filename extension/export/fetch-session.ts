/** Every page of a stored session, through whatever connection is active (no `vscode`: unit-tested). */
import type { ReplyOf, RequestOf } from '../../backend/src/protocol';
import type { ExportInput } from './markdown';

type GetSession = (request: RequestOf<'getSession'>) => Promise<ReplyOf<'getSession'>>;

/** A bound on pages, so a backend that keeps returning a cursor can't loop the export forever. */
const MAX_PAGES = 200;

export async function fetchWholeSession(getSession: GetSession, sessionId: string): Promise<ExportInput> {
  const first = await getSession({ action: 'getSession', sessionId, limit: 500 });
  const turns = [...first.turns];
  let cursor = first.nextCursor;
  for (let page = 1; cursor && page < MAX_PAGES; page++) {
    const next = await getSession({ action: 'getSession', sessionId, limit: 500, cursor });
    turns.push(...next.turns);
    cursor = next.nextCursor === cursor ? undefined : next.nextCursor;
  }
  return { session: first.session, turns };
}
