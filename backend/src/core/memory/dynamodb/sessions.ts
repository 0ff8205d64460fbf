/**
 * Session items (items.ts) read one at a time or listed, shared by the `dynamodb` store and the
 * `agentcore` store's session index, whose items are these plus its own fields.
 */
import type { Session } from '../../../protocol';
import { listingPage, listingPosition } from '../cursor';
import { normalizeQuery, type ListOptions, type Page } from '../types';
import { send, type Dynamo } from './client';
import { actorKey, listingKey, SESSION_SK, sessionKey, toSession, type SessionItem } from './items';
import { MEMORY_TABLE_SCHEMA } from './table';

const LISTED = ['sessionId', 'title', 'createdAt', 'updatedAt', 'turnCount', 'taskId', 'usage'];

/** The session item of partition `pk` (consistent read), or undefined. */
export async function readSessionItem<T = SessionItem>(
  d: Dynamo,
  table: string,
  pk: string,
): Promise<T | undefined> {
  const out = await send<{ Item?: T }>(
    d,
    new d.sdk.GetCommand({ TableName: table, Key: { pk, sk: SESSION_SK }, ConsistentRead: true }),
  );
  return out.Item;
}

/**
 * The actor's sessions, newest `updatedAt` first, from the sessions index: one Query for a plain
 * listing; a search filters inside the actor's partition, page by page.
 */
export async function listSessionItems(
  d: Dynamo,
  table: string,
  actorId: string,
  options: ListOptions,
): Promise<Page<Session>> {
  const gpk = actorKey(actorId);
  const after = listingPosition(options.cursor);
  const query = normalizeQuery(options.query);
  const { sessionsIndex: gsi } = MEMORY_TABLE_SCHEMA;
  // The cursor only names a position; the keys are rebuilt from the verified actor.
  let start: Record<string, unknown> | undefined = after && {
    gpk,
    gsk: listingKey(after.updatedAt, after.sessionId),
    pk: sessionKey(actorId, after.sessionId),
    sk: SESSION_SK,
  };
  const found: Session[] = [];
  do {
    const out = await send<{
      Items?: Array<Partial<SessionItem>>;
      LastEvaluatedKey?: Record<string, unknown>;
    }>(
      d,
      new d.sdk.QueryCommand({
        TableName: table,
        IndexName: gsi.name,
        KeyConditionExpression: '#gpk = :gpk',
        ScanIndexForward: false,
        Limit: query ? Math.max(100, options.limit + 1) : options.limit + 1,
        ProjectionExpression: LISTED.map((_, i) => `#p${i}`).join(', '),
        ExpressionAttributeNames: {
          '#gpk': gsi.partitionKey,
          ...Object.fromEntries(LISTED.map((name, i) => [`#p${i}`, name])),
          ...(query ? { '#t': 'titleLc', '#s': 'said' } : {}),
        },
        ExpressionAttributeValues: { ':gpk': gpk, ...(query ? { ':q': query } : {}) },
        ...(query ? { FilterExpression: 'contains(#t, :q) OR contains(#s, :q)' } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    found.push(...(out.Items ?? []).map(toSession));
    start = out.LastEvaluatedKey;
  } while (start && found.length <= options.limit);
  return listingPage(found.slice(0, options.limit), found.length > options.limit);
}
