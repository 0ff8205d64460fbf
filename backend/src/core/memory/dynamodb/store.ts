/**
 * The `dynamodb` memory store: one table (items.ts), every key derived from the verified actor.
 *
 * A turn is appended in two steps: a conditional update of the session item claims the next slot
 * (turnCount = n → n + 1, which is also how `expectedTurnCount` decides an approval exactly once,
 * without transactions), then the turn's items are written. The call resolves after both; a crash
 * between them leaves an empty slot that readers skip, never a lost acknowledged turn.
 */
import type { Session, SessionSummary } from '../../../protocol';
import { InvalidRequestError, SessionChangedError } from '../../errors';
import { turnOffset, turnPage } from '../cursor';
import { amendedTurn, checkExpectedTurns, checkTurnIndex, withTurn } from '../session-updates';
import { noSuchSession, noSuchTurn } from '../session-updates';
import { sessionBusy } from '../store-errors';
import { checkDay, checkTokens } from '../token-counter';
import { appendSearchText, checkSummary } from '../types';
import type { AppendOptions, ListOptions, MemoryStore, NewSession, Page } from '../types';
import type { SessionPage, StoredTurn, TurnPageOptions, TurnPatch } from '../types';
import { connect, sendIf, type Dynamo, type DynamoClientOptions } from './client';
import { addCounter, readCounter } from './counter-items';
import { expiresAt, listingKey, SESSION_SK, sessionItem, sessionKey, toSession } from './items';
import { turnSk, turnSkEnd, type SessionItem } from './items';
import { deleteRange } from './range';
import { listSessionItems, readSessionItem } from './sessions';
import { deleteSummary, readSessionWithSummary, writeSummary } from './summary-items';
import { MEMORY_TABLE_SCHEMA } from './table';
import { putTurn, readTurnRange } from './turns';

export interface DynamoStoreOptions extends DynamoClientOptions {
  /** Items expire this many days after their last write (the table's TTL attribute). */
  retentionDays: number;
}

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
    const item = sessionItem(actorId, { ...init, updatedAt: init.createdAt, turnCount: 0 }, '', this.ttl());
    const d = await this.dynamo();
    const created = await sendIf(
      d,
      new d.sdk.PutCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!created) throw new InvalidRequestError('that sessionId is taken');
    return toSession(item);
  }

  async appendTurn(
    actorId: string,
    sessionId: string,
    turn: StoredTurn,
    options: AppendOptions = {},
  ): Promise<Session> {
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    for (let attempt = 0; ; attempt++) {
      const meta = await this.meta(d, pk);
      if (!meta) throw noSuchSession(sessionId);
      const n = meta.turnCount;
      checkExpectedTurns(n, options.expectedTurnCount);
      // The totals are decided with the slot: the condition on turnCount makes them race-free.
      const next: SessionItem = {
        ...withTurn(meta, turn),
        gsk: listingKey(turn.createdAt, sessionId),
        said: appendSearchText(meta.said ?? '', turn),
        ttl: this.ttl(),
      };
      const { usage } = next;
      const claimed = await sendIf(
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
      if (claimed) {
        await putTurn(d, this.table, pk, n, turn, this.ttl());
        return toSession(next);
      }
      // Another writer took slot n (or the session was deleted): a decision is stale, a plain
      // append tries the next slot.
      if (options.expectedTurnCount !== undefined) throw new SessionChangedError();
      if (attempt >= MAX_APPEND_ATTEMPTS) throw sessionBusy();
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
    }
  }

  async amendTurn(actorId: string, sessionId: string, index: number, patch: TurnPatch): Promise<void> {
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    const meta = await this.meta(d, pk);
    if (!meta) throw noSuchSession(sessionId);
    checkTurnIndex(index, meta.turnCount, sessionId);
    const [current] = await readTurnRange(d, this.table, pk, index, index);
    if (!current) throw noSuchTurn(index, sessionId);
    await deleteRange(d, this.table, pk, turnSk(index), turnSkEnd(index));
    await putTurn(d, this.table, pk, index, amendedTurn(current, patch), this.ttl());
    // Rebuild the search text so replaced (blocked) words cannot be found any more. Rare: a
    // guardrail verdict, so reading the session once is fine.
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const now = await this.meta(d, pk);
      if (!now) return;
      const turns = await readTurnRange(d, this.table, pk, 0, now.turnCount - 1);
      const rebuilt = await sendIf(
        d,
        new d.sdk.UpdateCommand({
          TableName: this.table,
          Key: { pk, sk: SESSION_SK },
          UpdateExpression: 'SET said = :said',
          ConditionExpression: 'turnCount = :n',
          ExpressionAttributeValues: { ':said': turns.reduce(appendSearchText, ''), ':n': now.turnCount },
        }),
      );
      if (rebuilt) return;
    }
  }

  async listSessions(actorId: string, options: ListOptions): Promise<Page<Session>> {
    return listSessionItems(await this.dynamo(), this.table, actorId, options);
  }

  async getSession(
    actorId: string,
    sessionId: string,
    options: TurnPageOptions,
  ): Promise<SessionPage | undefined> {
    const offset = turnOffset(options.cursor);
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    const { session: meta, summary } = await readSessionWithSummary<SessionItem>(
      d,
      this.table,
      pk,
      summaryTag,
    );
    if (!meta) return undefined;
    const end = Math.min(meta.turnCount, offset + options.limit);
    const turns = end > offset ? await readTurnRange(d, this.table, pk, offset, end - 1) : [];
    return turnPage(toSession(meta), turns, end < meta.turnCount ? end : undefined, summary);
  }

  async recentTurns(actorId: string, sessionId: string, count: number): Promise<StoredTurn[]> {
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    const meta = await this.meta(d, pk);
    if (!meta || meta.turnCount === 0 || count <= 0) return [];
    return readTurnRange(d, this.table, pk, Math.max(0, meta.turnCount - count), meta.turnCount - 1);
  }

  async renameSession(actorId: string, sessionId: string, title: string): Promise<Session | undefined> {
    const d = await this.dynamo();
    const out = await sendIf<{ Attributes?: Partial<SessionItem> }>(
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
    return out?.Attributes ? toSession(out.Attributes) : undefined;
  }

  async deleteSession(actorId: string, sessionId: string): Promise<boolean> {
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    // The session item goes first: from then on the session is gone for every reader, and turn
    // items a crash leaves behind are unreachable (and expire with their TTL).
    const deleted = await sendIf(
      d,
      new d.sdk.DeleteCommand({
        TableName: this.table,
        Key: { pk, sk: SESSION_SK },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
    if (!deleted) return false;
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
    if (!meta) throw noSuchSession(sessionId);
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
    return expiresAt(this.options.retentionDays);
  }

  private meta(d: Dynamo, pk: string): Promise<SessionItem | undefined> {
    return readSessionItem(d, this.table, pk);
  }
}

/** A summary belongs to the incarnation of the session id it was saved for. */
function summaryTag(item: Pick<SessionItem, 'createdAt'>): string {
  return String(item.createdAt);
}
