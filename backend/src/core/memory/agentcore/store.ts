/**
 * The `agentcore` memory store: conversation turns as AgentCore Memory events, the session list
 * and every one-time decision in a DynamoDB session index (see session-index.ts for why).
 *
 * A write first moves the index item on, conditionally (that is the decision: who got sequence
 * number n, whether the turn count was still the one expected), then creates the record's events
 * with tokens derived from that sequence number, so a retry never writes a record twice.
 */
import { randomBytes } from 'node:crypto';
import { SESSION_ID_PATTERN, type Session, type SessionSummary } from '../../../protocol';
import { InvalidRequestError, NotFoundError } from '../../errors';
import { turnOffset, turnPage } from '../cursor';
import { checkExpectedTurns, checkTurnIndex, noSuchSession, withTurn } from '../session-updates';
import { guardStore as guarded, sessionBusy } from '../store-errors';
import { checkDay, checkTokens } from '../token-counter';
import { appendSearchText, checkSummary, normalizeQuery } from '../types';
import type { AppendOptions, ListOptions, MemoryStore, NewSession, Page } from '../types';
import type { SessionPage, StoredTurn, TurnPageOptions, TurnPatch } from '../types';
import { DEFAULT_BLOB_BYTES, recordToEvents, type SessionRecord } from './encoding';
import { createAgentCoreClient, once } from './client';
import { EventLog, memoryActorId, type LongTermRecord } from './event-log';
import { restoreSessions } from './restore';
import { amendInEvents, holdsTurnsFrom, turnsOf } from './session-events';
import { type IndexItem, SessionIndex } from './session-index';

export interface AgentCoreMemoryOptions {
  memoryId: string;
  /** The DynamoDB table holding the session index. */
  table: string;
  region: string;
  retentionDays?: number;
  /** A local DynamoDB (development and tests); the index table is created there if missing. */
  dynamodbEndpoint?: string;
  /** Credentials for both services (tests); unset, the SDK's default chain applies. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The Memory data plane's URL (tests); unset, AWS_ENDPOINT_URL_BEDROCK_AGENTCORE still applies. */
  agentCoreEndpoint?: string;
  /** How much record JSON one event carries, in bytes as sent. */
  blobBytes?: number;
  /** Where the actor's long-term records live; `{actorId}` is replaced. Must end with `/`. */
  longTermNamespace?: string;
  now?: () => Date;
}

/** Searching what the memory's long-term strategies extracted from an actor's conversations. */
export interface LongTermSearch {
  searchLongTerm(actorId: string, query: string, options?: { limit?: number }): Promise<LongTermRecord[]>;
}

const WRITE_ATTEMPTS = 40;

export class AgentCoreMemoryStore implements MemoryStore, LongTermSearch {
  private readonly index: SessionIndex;
  private readonly log: EventLog;
  private readonly now: () => Date;
  /** Actors whose empty index was already checked against the Memory API in this process. */
  private readonly checked = new Set<string>();

  constructor(private readonly options: AgentCoreMemoryOptions) {
    this.now = options.now ?? (() => new Date());
    this.index = new SessionIndex({
      table: options.table,
      region: options.region,
      retentionDays: options.retentionDays ?? 365,
      ...(options.dynamodbEndpoint ? { endpoint: options.dynamodbEndpoint, createTable: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    this.log = new EventLog({
      memoryId: options.memoryId,
      client: once(() => createAgentCoreClient(options)),
    });
  }

  createSession(actorId: string, init: NewSession): Promise<Session> {
    return guarded(async () => {
      checkSessionId(init.sessionId);
      const session: Session = { ...init, updatedAt: init.createdAt, turnCount: 0 };
      const item: IndexItem = {
        session,
        seq: 0,
        gen: randomBytes(8).toString('hex'),
        said: '',
        eventAt: this.now().getTime(),
      };
      if (!(await this.index.create(actorId, item))) throw new InvalidRequestError('that sessionId is taken');
      const meta: SessionRecord = {
        k: 'meta',
        title: init.title,
        createdAt: init.createdAt,
        ...(init.taskId ? { taskId: init.taskId } : {}),
      };
      try {
        await this.writeRecord(actorId, init.sessionId, item, meta);
      } catch (e) {
        await this.index.remove(actorId, init.sessionId).catch(() => false);
        throw e;
      }
      return session;
    });
  }

  appendTurn(
    actorId: string,
    sessionId: string,
    turn: StoredTurn,
    options: AppendOptions = {},
  ): Promise<Session> {
    return guarded(async () => {
      const { before, after } = await this.advance(actorId, sessionId, (item) => {
        checkExpectedTurns(item.session.turnCount, options.expectedTurnCount);
        return { ...item, session: withTurn(item.session, turn), said: appendSearchText(item.said, turn) };
      });
      try {
        await this.writeRecord(actorId, sessionId, after, {
          k: 'turn',
          index: before.session.turnCount,
          turn,
        });
      } catch (e) {
        // Undo the count so the session does not claim a turn nobody can read; the sequence number
        // and the time stay used, because some of this record's events may exist under its tokens.
        await this.index
          .replace(actorId, { ...before, seq: after.seq + 1, eventAt: after.eventAt }, after)
          .catch(() => {});
        throw e;
      }
      return after.session;
    });
  }

  amendTurn(actorId: string, sessionId: string, index: number, patch: TurnPatch): Promise<void> {
    return guarded(async () => {
      const actor = memoryActorId(actorId);
      // The amended turn is written as a new record, the old record's events deleted afterwards.
      let amend: ReturnType<typeof amendInEvents> | undefined;
      const { after } = await this.advance(actorId, sessionId, async (item) => {
        checkTurnIndex(index, item.session.turnCount, sessionId);
        const events = await this.log.read(actor, sessionId, { payloads: true });
        amend = amendInEvents(events, item.gen, index, patch, sessionId);
        return { ...item, said: amend.said };
      });
      await this.writeRecord(actorId, sessionId, after, { k: 'turn', index, turn: amend!.amended });
      await this.log.remove(actor, sessionId, amend!.stale);
    });
  }

  /**
   * From the index: one Query. An actor with no sessions there is looked up once per process in
   * the Memory API too (one ListSessions call), so a replaced index table heals itself.
   */
  listSessions(actorId: string, options: ListOptions): Promise<Page<Session>> {
    return guarded(async () => {
      const page = await this.index.list(actorId, options);
      if (
        page.items.length > 0 ||
        options.cursor ||
        normalizeQuery(options.query) ||
        this.checked.has(actorId)
      )
        return page;
      if (this.checked.size >= 100_000) this.checked.clear();
      this.checked.add(actorId);
      const restored = await restoreSessions(this.log, this.index, actorId, memoryActorId(actorId)).catch(
        () => {
          this.checked.delete(actorId); // the Memory API was unreachable: try again next time
          return 0;
        },
      );
      return restored > 0 ? this.index.list(actorId, options) : page;
    });
  }

  getSession(actorId: string, sessionId: string, options: TurnPageOptions): Promise<SessionPage | undefined> {
    return guarded(async () => {
      if (!SESSION_ID_PATTERN.test(sessionId)) return undefined;
      const found = await this.index.getWithSummary(actorId, sessionId);
      if (!found) return undefined;
      const { item, summary } = found;
      const offset = turnOffset(options.cursor);
      const events = await this.log.read(memoryActorId(actorId), sessionId, { payloads: true });
      const all = turnsOf(events, item.gen);
      const turns = all.slice(offset, offset + options.limit);
      const next = offset + turns.length;
      return turnPage(item.session, turns, next < all.length ? next : undefined, summary);
    });
  }

  recentTurns(actorId: string, sessionId: string, count: number): Promise<StoredTurn[]> {
    return guarded(async () => {
      const item = await this.findItem(actorId, sessionId);
      if (!item || count <= 0) return [];
      const first = Math.max(0, item.session.turnCount - count);
      // Newest first, so the read stops as soon as it holds the wanted turns.
      const enough = holdsTurnsFrom(item.gen, first, item.session.turnCount);
      const events = await this.log.read(memoryActorId(actorId), sessionId, { payloads: true, enough });
      return turnsOf(events, item.gen, first);
    });
  }

  renameSession(actorId: string, sessionId: string, title: string): Promise<Session | undefined> {
    return guarded(async () => {
      let moved: { after: IndexItem };
      try {
        moved = await this.advance(actorId, sessionId, (item) => ({
          ...item,
          session: { ...item.session, title },
        }));
      } catch (e) {
        if (e instanceof NotFoundError) return undefined;
        throw e;
      }
      await this.writeRecord(actorId, sessionId, moved.after, { k: 'title', title });
      return moved.after.session;
    });
  }

  deleteSession(actorId: string, sessionId: string): Promise<boolean> {
    return guarded(async () => {
      if (!(await this.findItem(actorId, sessionId))) return false;
      // Events first, the index item last: a delete that fails half-way is still listed, and
      // retrying it finishes the job.
      const actor = memoryActorId(actorId);
      const events = await this.log.read(actor, sessionId, { payloads: false });
      await this.log.remove(
        actor,
        sessionId,
        events.map((e) => e.eventId),
      );
      return this.index.remove(actorId, sessionId);
    });
  }

  getSummary(actorId: string, sessionId: string): Promise<SessionSummary | undefined> {
    return guarded(async () => {
      if (!SESSION_ID_PATTERN.test(sessionId)) return undefined;
      return (await this.index.getWithSummary(actorId, sessionId))?.summary;
    });
  }

  saveSummary(actorId: string, sessionId: string, summary: SessionSummary): Promise<void> {
    return guarded(async () => {
      const checked = checkSummary(summary);
      const item = await this.findItem(actorId, sessionId);
      if (!item) throw noSuchSession(sessionId);
      // In the index table, not the event log: read on every turn, it must cost one Query, and
      // an event log read is bounded by the session's length.
      await this.index.saveSummary(actorId, sessionId, item.gen, checked);
    });
  }

  addTokens(actorId: string, day: string, tokens: number): Promise<number> {
    return guarded(async () => {
      const start = checkDay(day);
      checkTokens(tokens);
      return this.index.addTokens(actorId, day, start, tokens);
    });
  }

  tokensUsed(actorId: string, day: string): Promise<number> {
    return guarded(async () => {
      checkDay(day);
      return this.index.tokensUsed(actorId, day);
    });
  }

  searchLongTerm(
    actorId: string,
    query: string,
    options: { limit?: number } = {},
  ): Promise<LongTermRecord[]> {
    return guarded(async () => {
      const text = query.trim();
      if (text === '') return [];
      const template = this.options.longTermNamespace ?? '/actors/{actorId}/';
      if (!template.endsWith('/')) throw new InvalidRequestError('the long-term namespace must end with /');
      const namespace = template.replaceAll('{actorId}', memoryActorId(actorId));
      return this.log.retrieve(namespace, text.slice(0, 1000), Math.min(Math.max(options.limit ?? 5, 1), 50));
    });
  }

  private async findItem(actorId: string, sessionId: string): Promise<IndexItem | undefined> {
    if (!SESSION_ID_PATTERN.test(sessionId)) return undefined;
    return this.index.get(actorId, sessionId);
  }

  /**
   * Moves the session's index item on by one sequence number, with `change` applied to what was
   * read; retried on a lost race, so `change` decides against the newest state every time.
   */
  private async advance(
    actorId: string,
    sessionId: string,
    change: (item: IndexItem) => IndexItem | Promise<IndexItem>,
  ): Promise<{ before: IndexItem; after: IndexItem }> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const before = await this.findItem(actorId, sessionId);
      if (!before) throw noSuchSession(sessionId);
      const after = {
        ...(await change(before)),
        seq: before.seq + 1,
        eventAt: Math.max(this.now().getTime(), before.eventAt),
      };
      if (await this.index.replace(actorId, after, before)) return { before, after };
      // Somebody else wrote first: read again and retry, after a short random pause.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt + 1, 5)));
    }
    throw sessionBusy();
  }

  private async writeRecord(
    actorId: string,
    sessionId: string,
    item: IndexItem,
    record: SessionRecord,
  ): Promise<void> {
    const actor = memoryActorId(actorId);
    const drafts = recordToEvents(
      { actorId: actor, sessionId },
      item,
      record,
      this.options.blobBytes ?? DEFAULT_BLOB_BYTES,
    );
    await this.log.write(actor, sessionId, drafts, new Date(item.eventAt));
  }
}

function checkSessionId(sessionId: string): void {
  if (!SESSION_ID_PATTERN.test(sessionId)) throw new InvalidRequestError('invalid sessionId');
}
