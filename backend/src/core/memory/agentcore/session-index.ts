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
import { connect, send, sendIf, type Dynamo, type DynamoClientOptions } from '../dynamodb/client';
import { addCounter, readCounter } from '../dynamodb/counter-items';
import {
  expiresAt,
  SESSION_SK,
  sessionItem,
  sessionKey,
  toSession,
  type SessionItem,
} from '../dynamodb/items';
import { listSessionItems, readSessionItem } from '../dynamodb/sessions';
import { deleteSummary, readSessionWithSummary, writeSummary } from '../dynamodb/summary-items';
import type { ListOptions, Page } from '../types';

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

  constructor(private readonly options: SessionIndexOptions) {
    this.dynamo = connect(options);
  }

  async get(actorId: string, sessionId: string): Promise<IndexItem | undefined> {
    const row = await readSessionItem<Row>(
      await this.dynamo(),
      this.options.table,
      sessionKey(actorId, sessionId),
    );
    return row ? fromRow(row) : undefined;
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
    const row: Row = {
      ...sessionItem(actorId, item.session, item.said, this.ttl()),
      seq: item.seq,
      gen: item.gen,
      eventAt: item.eventAt,
    };
    const put = new d.sdk.PutCommand({ TableName: this.options.table, Item: row, ...condition });
    return (await sendIf(d, put)) !== undefined;
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
  async list(actorId: string, options: ListOptions): Promise<Page<Session>> {
    return listSessionItems(await this.dynamo(), this.options.table, actorId, options);
  }

  private ttl(): number {
    return expiresAt(this.options.retentionDays);
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
