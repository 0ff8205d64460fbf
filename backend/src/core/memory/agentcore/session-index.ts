/**
 * The `agentcore` store's session index: one DynamoDB item per session, the very session item of
 * the `dynamodb` store (dynamodb/items.ts) plus a sequence number and an incarnation id. AgentCore
 * Memory's ListSessions returns neither titles nor times and would cost a call per session to fill
 * them in, so listing, search, the turn count and the sequence numbers all come from here. Every write is conditional on the
 * item's `seq`, which is how "decided exactly once" holds without a conditional write in the
 * Memory API. The session's summary and the actor's daily token counters live in the same table,
 * as the `dynamodb` store keeps them (dynamodb/summary-items.ts, dynamodb/counter-items.ts).
 */
import type { Session, SessionSummary } from '../../../protocol';
import {
  ConditionFailedError,
  connect,
  send,
  type Dynamo,
  type DynamoClientOptions,
} from '../dynamodb/client';
import { addCounter, readCounter } from '../dynamodb/counter-items';
import { listingKey, SESSION_SK, sessionKey, toSession, actorKey, type SessionItem } from '../dynamodb/items';
import { DynamoMemoryStore } from '../dynamodb/store';
import { deleteSummary, readSessionWithSummary, writeSummary } from '../dynamodb/summary-items';
import type { Page } from '../types';

export interface IndexItem {
  session: Session;
  /** Sequence number of the last record written to the session's events. */
  seq: number;
  /** Random per incarnation of a session id, so events of a deleted session never come back. */
  gen: string;
  /** What a search matches of the turns (`appendSearchText` in ../types). */
  said: string;
  /** Epoch ms stamped on the last record's events; never goes back, so events sort as they were written. */
  eventAt: number;
}

export interface SessionIndexOptions extends DynamoClientOptions {
  retentionDays: number;
}

/** The `dynamodb` store's session item, plus what the event log needs. */
type Row = SessionItem & { seq: number; gen: string; eventAt: number };

export class SessionIndex {
  private readonly dynamo: () => Promise<Dynamo>;
  /** Items here are the `dynamodb` store's session items, so its listing and search serve as is. */
  private readonly listing: DynamoMemoryStore;

  constructor(private readonly options: SessionIndexOptions) {
    this.dynamo = connect(options);
    this.listing = new DynamoMemoryStore({ ...options, createTable: false });
  }

  async get(actorId: string, sessionId: string): Promise<IndexItem | undefined> {
    const d = await this.dynamo();
    const out = await send<{ Item?: Row }>(
      d,
      new d.sdk.GetCommand({
        TableName: this.options.table,
        Key: { pk: sessionKey(actorId, sessionId), sk: SESSION_SK },
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromRow(out.Item) : undefined;
  }

  /** The item and the summary of its incarnation, in one Query. */
  async getWithSummary(
    actorId: string,
    sessionId: string,
  ): Promise<{ item: IndexItem; summary?: SessionSummary } | undefined> {
    const d = await this.dynamo();
    const { session, summary } = await readSessionWithSummary<Row>(
      d,
      this.options.table,
      sessionKey(actorId, sessionId),
      (row) => String(row.gen),
    );
    if (!session) return undefined;
    return summary ? { item: fromRow(session), summary } : { item: fromRow(session) };
  }

  /** Replaces the summary of incarnation `gen` (the caller read the item). */
  async saveSummary(actorId: string, sessionId: string, gen: string, summary: SessionSummary): Promise<void> {
    const d = await this.dynamo();
    await writeSummary(d, this.options.table, sessionKey(actorId, sessionId), gen, summary, this.ttl());
  }

  async addTokens(actorId: string, day: string, dayStart: number, tokens: number): Promise<number> {
    return addCounter(await this.dynamo(), this.options.table, actorId, day, dayStart, tokens);
  }

  async tokensUsed(actorId: string, day: string): Promise<number> {
    return readCounter(await this.dynamo(), this.options.table, actorId, day);
  }

  /** Creates the item; false when the session id is already taken by this actor. */
  async create(actorId: string, item: IndexItem): Promise<boolean> {
    return this.put(actorId, item, { ConditionExpression: 'attribute_not_exists(pk)' });
  }

  /**
   * Replaces the item if it is still at `expected` (same incarnation, same sequence number); false
   * when it is not: somebody else wrote first, or the session was deleted.
   */
  replace(actorId: string, item: IndexItem, expected: { gen: string; seq: number }): Promise<boolean> {
    return this.put(actorId, item, {
      ConditionExpression: '#gen = :gen AND #seq = :seq',
      ExpressionAttributeNames: { '#gen': 'gen', '#seq': 'seq' },
      ExpressionAttributeValues: { ':gen': expected.gen, ':seq': expected.seq },
    });
  }

  /** A conditional put; false when the condition did not hold. */
  private async put(actorId: string, item: IndexItem, condition: Record<string, unknown>): Promise<boolean> {
    const d = await this.dynamo();
    try {
      await send(
        d,
        new d.sdk.PutCommand({
          TableName: this.options.table,
          Item: this.toRow(actorId, item),
          ...condition,
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionFailedError) return false;
      throw e;
    }
  }

  /** Removes the item, then its summary; false when there was no item. */
  async remove(actorId: string, sessionId: string): Promise<boolean> {
    const d = await this.dynamo();
    const pk = sessionKey(actorId, sessionId);
    const out = await send<{ Attributes?: Row }>(
      d,
      new d.sdk.DeleteCommand({
        TableName: this.options.table,
        Key: { pk, sk: SESSION_SK },
        ReturnValues: 'ALL_OLD',
      }),
    );
    // A summary a crash leaves here names the old `gen`, so it never attaches to a reused id.
    await deleteSummary(d, this.options.table, pk);
    return out.Attributes !== undefined;
  }

  /** Newest `updatedAt` first: one Query for a plain page; a search filters in DynamoDB. */
  async list(
    actorId: string,
    options: { limit: number; cursor?: string; query?: string },
  ): Promise<Page<Session>> {
    await this.dynamo(); // on a local endpoint, the table exists once this resolves
    return this.listing.listSessions(actorId, options);
  }

  private ttl(): number {
    return Math.floor(Date.now() / 1000) + Math.round(this.options.retentionDays * 86_400);
  }

  private toRow(actorId: string, item: IndexItem): Row {
    const s = item.session;
    return {
      pk: sessionKey(actorId, s.sessionId),
      sk: SESSION_SK,
      gpk: actorKey(actorId),
      gsk: listingKey(s.updatedAt, s.sessionId),
      ttl: this.ttl(),
      sessionId: s.sessionId,
      title: s.title,
      titleLc: s.title.toLowerCase(),
      ...(s.taskId !== undefined ? { taskId: s.taskId } : {}),
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      turnCount: s.turnCount,
      ...(s.usage ? { usage: s.usage } : {}),
      said: item.said,
      seq: item.seq,
      gen: item.gen,
      eventAt: item.eventAt,
    };
  }
}

function fromRow(row: Row): IndexItem {
  return {
    session: toSession(row),
    seq: row.seq,
    gen: row.gen,
    said: row.said ?? '',
    eventAt: row.eventAt ?? 0,
  };
}
