/**
 * The `dynamodb` memory store: one table (items.ts), every key derived from the verified actor.
 *
 * A turn is appended in two steps: a conditional update of the session item claims the next slot
 * (turnCount = n → n + 1, which is also how `expectedTurnCount` decides an approval exactly once,
 * without transactions), then the turn's items are written. The call resolves after both; a crash
 * between them leaves an empty slot that readers skip, never a lost acknowledged turn.
 */
import type { Session, SessionSummary } from '../../../protocol';
import { InvalidRequestError, NotFoundError, SessionChangedError } from '../../errors';
import { decodeCursor, encodeCursor, SessionCursor, TurnCursor } from '../cursor';
import { sessionBusy } from '../store-errors';
import { checkDay, checkTokens } from '../token-counter';
import {
  appendSearchText,
  checkSummary,
  normalizeQuery,
  type MemoryStore,
  type NewSession,
  type Page,
  type SessionPage,
  type StoredTurn,
} from '../types';
import { addUsage } from '../usage-totals';
import { ConditionFailedError, connect, send, type Dynamo, type DynamoClientOptions } from './client';
import { addCounter, readCounter } from './counter-items';
import { deleteRange } from './range-delete';
import { deleteSummary, readSessionWithSummary, writeSummary } from './summary-items';
import {
  actorKey,
  listingKey,
  readTurns,
  SESSION_SK,
  sessionKey,
  toSession,
  turnItems,
  turnSk,
  turnSkEnd,
  type SessionItem,
} from './items';
import { MEMORY_TABLE_SCHEMA } from './table';

export interface DynamoStoreOptions extends DynamoClientOptions {
  /** Items expire this many days after their last write (the table's TTL attribute). */
  retentionDays: number;
}

const LISTED = ['sessionId', 'title', 'createdAt', 'updatedAt', 'turnCount', 'taskId', 'usage'];
/** Writers that lose a slot to another append retry this many times before giving up. */
const MAX_APPEND_ATTEMPTS = 50;

export class DynamoMemoryStore implements MemoryStore {
  private readonly dynamo: () => Promise<Dynamo>;
  private readonly table: string;

  constructor(private readonly options: DynamoStoreOptions) {
    this.dynamo = connect(options);
    this.table = options.table;
  }

  async createSession(actorId: string, init: NewSession): Promise<Session> {
    const item: SessionItem = {
      pk: sessionKey(actorId, init.sessionId),
      sk: SESSION_SK,
      gpk: actorKey(actorId),
      gsk: listingKey(init.createdAt, init.sessionId),
      sessionId: init.sessionId,
      title: init.title,
      titleLc: init.title.toLowerCase(),
      said: '',
      createdAt: init.createdAt,
      updatedAt: init.createdAt,
      turnCount: 0,
      ...(init.taskId !== undefined ? { taskId: init.taskId } : {}),
      ttl: this.ttl(),
    };
    const d = await this.dynamo();
    try {
      await send(
        d,
        new d.sdk.PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionFailedError) throw new InvalidRequestError('that sessionId is taken');
      throw error;
    }
    return toSession(item);
  }

  async appendTurn(
    actorId: string,
    sessionId: string,
    turn: StoredTurn,
    options: { expectedTurnCount?: number } = {},
  ): Promise<Session> {
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    for (let attempt = 0; ; attempt++) {
      const meta = await this.meta(d, pk);
      if (!meta) throw new NotFoundError(`no session ${sessionId}`);
      const n = meta.turnCount;
      if (options.expectedTurnCount !== undefined && n !== options.expectedTurnCount)
        throw new SessionChangedError();
      const next: SessionItem = {
        ...meta,
        turnCount: n + 1,
        updatedAt: turn.createdAt,
        gsk: listingKey(turn.createdAt, sessionId),
        said: appendSearchText(meta.said ?? '', turn),
        ttl: this.ttl(),
      };
      // The totals are decided with the slot: the condition on turnCount makes them race-free.
      const usage = addUsage(meta.usage, turn.usage);
      if (usage) next.usage = usage;
      try {
        await send(
          d,
          new d.sdk.UpdateCommand({
            TableName: this.table,
            Key: { pk, sk: SESSION_SK },
            UpdateExpression: `SET turnCount = :next, updatedAt = :u, gsk = :g, said = :said, #ttl = :ttl${usage ? ', #usage = :usage' : ''}`,
            ConditionExpression: 'turnCount = :n',
            ExpressionAttributeNames: {
              '#ttl': MEMORY_TABLE_SCHEMA.ttlAttribute,
              ...(usage ? { '#usage': 'usage' } : {}),
            },
            ExpressionAttributeValues: {
              ':next': n + 1,
              ':n': n,
              ':u': next.updatedAt,
              ':g': next.gsk,
              ':said': next.said,
              ':ttl': next.ttl,
              ...(usage ? { ':usage': usage } : {}),
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        // Another writer took slot n (or the session was deleted): a decision is stale, a plain
        // append tries the next slot.
        if (options.expectedTurnCount !== undefined) throw new SessionChangedError();
        if (attempt >= MAX_APPEND_ATTEMPTS) throw sessionBusy();
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
        continue;
      }
      await this.putTurn(d, pk, n, turn);
      return toSession(next);
    }
  }

  async amendTurn(
    actorId: string,
    sessionId: string,
    index: number,
    patch: Pick<StoredTurn, 'text' | 'status' | 'messages'>,
  ): Promise<void> {
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    const meta = await this.meta(d, pk);
    if (!meta) throw new NotFoundError(`no session ${sessionId}`);
    if (!Number.isInteger(index) || index < 0 || index >= meta.turnCount)
      throw new NotFoundError(`no turn ${index} in session ${sessionId}`);
    const [current] = await this.turns(d, pk, index, index);
    if (!current) throw new NotFoundError(`no turn ${index} in session ${sessionId}`);
    const amended: StoredTurn = { ...current, text: patch.text, status: patch.status };
    if (patch.messages) amended.messages = patch.messages;
    else delete amended.messages;
    await deleteRange(d, this.table, pk, turnSk(index), turnSkEnd(index));
    await this.putTurn(d, pk, index, amended);
    // Rebuild the search text so replaced (blocked) words cannot be found any more. Rare: a
    // guardrail verdict, so reading the session once is fine.
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const now = await this.meta(d, pk);
      if (!now) return;
      const said = (await this.turns(d, pk, 0, now.turnCount - 1)).reduce(appendSearchText, '');
      try {
        await send(
          d,
          new d.sdk.UpdateCommand({
            TableName: this.table,
            Key: { pk, sk: SESSION_SK },
            UpdateExpression: 'SET said = :said',
            ConditionExpression: 'turnCount = :n',
            ExpressionAttributeValues: { ':said': said, ':n': now.turnCount },
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
    }
  }

  async listSessions(
    actorId: string,
    options: { limit: number; cursor?: string; query?: string },
  ): Promise<Page<Session>> {
    const d = await this.dynamo();
    const gpk = actorKey(actorId);
    const after = options.cursor ? decodeCursor(options.cursor, SessionCursor) : undefined;
    const query = normalizeQuery(options.query);
    const { sessionsIndex: gsi } = MEMORY_TABLE_SCHEMA;
    // The cursor only names a position; the keys are rebuilt from the verified actor.
    let start: Record<string, unknown> | undefined = after && {
      gpk,
      gsk: listingKey(after.u, after.s),
      pk: sessionKey(actorId, after.s),
      sk: SESSION_SK,
    };
    const found: Session[] = [];
    // One Query for a plain listing; a search filters inside the actor's partition, page by page.
    do {
      const out = await send<{
        Items?: Array<Partial<SessionItem>>;
        LastEvaluatedKey?: Record<string, unknown>;
      }>(
        d,
        new d.sdk.QueryCommand({
          TableName: this.table,
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
    const items = found.slice(0, options.limit);
    const last = items.at(-1);
    return found.length > items.length && last
      ? { items, nextCursor: encodeCursor({ u: last.updatedAt, s: last.sessionId }) }
      : { items };
  }

  async getSession(
    actorId: string,
    sessionId: string,
    options: { limit: number; cursor?: string },
  ): Promise<SessionPage | undefined> {
    const offset = options.cursor ? decodeCursor(options.cursor, TurnCursor).o : 0;
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    const { session: meta, summary } = await readSessionWithSummary<SessionItem>(
      d,
      this.table,
      pk,
      summaryTag,
    );
    if (!meta) return undefined;
    const session = toSession(meta);
    const end = Math.min(meta.turnCount, offset + options.limit);
    const turns = end > offset ? await this.turns(d, pk, offset, end - 1) : [];
    const page: SessionPage = { session, turns };
    if (end < meta.turnCount) page.nextCursor = encodeCursor({ o: end });
    if (summary) page.summary = summary;
    return page;
  }

  async recentTurns(actorId: string, sessionId: string, count: number): Promise<StoredTurn[]> {
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    const meta = await this.meta(d, pk);
    if (!meta || meta.turnCount === 0 || count <= 0) return [];
    return this.turns(d, pk, Math.max(0, meta.turnCount - count), meta.turnCount - 1);
  }

  async renameSession(actorId: string, sessionId: string, title: string): Promise<Session | undefined> {
    const d = await this.dynamo();
    try {
      const out = await send<{ Attributes?: Partial<SessionItem> }>(
        d,
        new d.sdk.UpdateCommand({
          TableName: this.table,
          Key: { pk: sessionKey(actorId, sessionId), sk: SESSION_SK },
          UpdateExpression: 'SET title = :t, titleLc = :lc',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':t': title, ':lc': title.toLowerCase() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? toSession(out.Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionFailedError) return undefined;
      throw error;
    }
  }

  async deleteSession(actorId: string, sessionId: string): Promise<boolean> {
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    try {
      // The session item goes first: from then on the session is gone for every reader, and turn
      // items a crash leaves behind are unreachable (and expire with their TTL).
      await send(
        d,
        new d.sdk.DeleteCommand({
          TableName: this.table,
          Key: { pk, sk: SESSION_SK },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionFailedError) return false;
      throw error;
    }
    await deleteRange(d, this.table, pk, 'T#', 'T#~');
    await deleteSummary(d, this.table, pk);
    return true;
  }

  async getSummary(actorId: string, sessionId: string): Promise<SessionSummary | undefined> {
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    return (await readSessionWithSummary<SessionItem>(d, this.table, pk, summaryTag)).summary;
  }

  async saveSummary(actorId: string, sessionId: string, summary: SessionSummary): Promise<void> {
    const checked = checkSummary(summary);
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    const meta = await this.meta(d, pk);
    if (!meta) throw new NotFoundError(`no session ${sessionId}`);
    await writeSummary(d, this.table, pk, summaryTag(meta), checked, this.ttl());
  }

  async addTokens(actorId: string, day: string, tokens: number): Promise<number> {
    const start = checkDay(day);
    checkTokens(tokens);
    return addCounter(await this.dynamo(), this.table, actorId, day, start, tokens);
  }

  async tokensUsed(actorId: string, day: string): Promise<number> {
    checkDay(day);
    return readCounter(await this.dynamo(), this.table, actorId, day);
  }

  private ttl(): number {
    return Math.floor(Date.now() / 1000) + Math.round(this.options.retentionDays * 86_400);
  }

  private async meta(d: Dynamo, pk: string): Promise<SessionItem | undefined> {
    const out = await send<{ Item?: SessionItem }>(
      d,
      new d.sdk.GetCommand({ TableName: this.table, Key: { pk, sk: SESSION_SK }, ConsistentRead: true }),
    );
    return out.Item;
  }

  /** Turns `from`..`to` (inclusive) with their chunks, in order. */
  private async turns(d: Dynamo, pk: string, from: number, to: number): Promise<StoredTurn[]> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await send<{
        Items?: Array<Record<string, unknown>>;
        LastEvaluatedKey?: Record<string, unknown>;
      }>(
        d,
        new d.sdk.QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':pk': pk, ':a': turnSk(from), ':b': turnSkEnd(to) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return readTurns(items);
  }

  private async putTurn(d: Dynamo, pk: string, index: number, turn: StoredTurn): Promise<void> {
    const items = turnItems(pk, index, turn, this.ttl());
    // Chunks first, in parallel; the turn item that points at them last.
    await Promise.all(
      items.slice(0, -1).map((Item) => send(d, new d.sdk.PutCommand({ TableName: this.table, Item }))),
    );
    await send(d, new d.sdk.PutCommand({ TableName: this.table, Item: items.at(-1) }));
  }
}

/** A summary belongs to the incarnation of the session id it was saved for. */
function summaryTag(item: Pick<SessionItem, 'createdAt'>): string {
  return String(item.createdAt);
}
