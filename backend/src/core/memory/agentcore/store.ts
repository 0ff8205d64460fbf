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
import { InvalidRequestError, NotFoundError, SessionChangedError } from '../../errors';
import { decodeCursor, encodeCursor, TurnCursor } from '../cursor';
import { guardStore as guarded, sessionBusy } from '../store-errors';
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
import {
  blobOf,
  DEFAULT_BLOB_BYTES,
  eventsToRecords,
  recordToEvents,
  replayTurns,
  type SessionRecord,
} from './encoding';
import { createAgentCoreClient, once } from './client';
import { EventLog, memoryActorId, type LongTermRecord } from './event-log';
import { restoreSessions } from './restore';
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
    options: { expectedTurnCount?: number } = {},
  ): Promise<Session> {
    return guarded(async () => {
      const { before, after } = await this.advance(actorId, sessionId, (item) => {
        if (options.expectedTurnCount !== undefined && item.session.turnCount !== options.expectedTurnCount)
          throw new SessionChangedError();
        const usage = addUsage(item.session.usage, turn.usage);
        return {
          ...item,
          session: {
            ...item.session,
            turnCount: item.session.turnCount + 1,
            updatedAt: turn.createdAt,
            ...(usage ? { usage } : {}),
          },
          said: appendSearchText(item.said, turn),
        };
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

  amendTurn(
    actorId: string,
    sessionId: string,
    index: number,
    patch: Pick<StoredTurn, 'text' | 'status' | 'messages'>,
  ): Promise<void> {
    return guarded(async () => {
      const actor = memoryActorId(actorId);
      // Events are immutable: the amended turn is a new record of the same index, the search text
      // is rebuilt without the old text, and the old record's events are deleted afterwards.
      let amended: StoredTurn | undefined;
      let stale: string[] = [];
      const { after } = await this.advance(actorId, sessionId, async (item) => {
        if (!Number.isInteger(index) || index < 0 || index >= item.session.turnCount)
          throw new NotFoundError(`no turn ${index} in session ${sessionId}`);
        const events = await this.log.read(actor, sessionId, { payloads: true });
        const records = eventsToRecords(events, item.gen);
        const turns = replayTurns(records);
        const current = turns.get(index);
        if (!current) throw new NotFoundError(`no turn ${index} in session ${sessionId}`);
        const { messages: _old, ...rest } = current;
        amended = {
          ...rest,
          text: patch.text,
          status: patch.status,
          ...(patch.messages ? { messages: patch.messages } : {}),
        };
        turns.set(index, amended);
        const seqs = new Set(records.filter((r) => r.k === 'turn' && r.index === index).map((r) => r.seq));
        stale = events
          .filter((e) => {
            const b = blobOf(e);
            return b?.gen === item.gen && seqs.has(b.seq);
          })
          .map((e) => e.eventId);
        return { ...item, said: [...turns.values()].reduce(appendSearchText, '') };
      });
      await this.writeRecord(actorId, sessionId, after, { k: 'turn', index, turn: amended! });
      await this.log.remove(actor, sessionId, stale);
    });
  }

  /**
   * From the index: one Query. An actor with no sessions there is looked up once per process in
   * the Memory API too (one ListSessions call), so a replaced index table heals itself.
   */
  listSessions(
    actorId: string,
    options: { limit: number; cursor?: string; query?: string },
  ): Promise<Page<Session>> {
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

  getSession(
    actorId: string,
    sessionId: string,
    options: { limit: number; cursor?: string },
  ): Promise<SessionPage | undefined> {
    return guarded(async () => {
      if (!SESSION_ID_PATTERN.test(sessionId)) return undefined;
      const found = await this.index.getWithSummary(actorId, sessionId);
      if (!found) return undefined;
      const { item, summary } = found;
      const offset = options.cursor ? decodeCursor(options.cursor, TurnCursor).o : 0;
      const events = await this.log.read(memoryActorId(actorId), sessionId, { payloads: true });
      const all = [...replayTurns(eventsToRecords(events, item.gen))]
        .sort(([a], [b]) => a - b)
        .map(([, t]) => t);
      const turns = all.slice(offset, offset + options.limit);
      const next = offset + turns.length;
      const page: SessionPage = { session: item.session, turns };
      if (next < all.length) page.nextCursor = encodeCursor({ o: next });
      if (summary) page.summary = summary;
      return page;
    });
  }

  recentTurns(actorId: string, sessionId: string, count: number): Promise<StoredTurn[]> {
    return guarded(async () => {
      const item = await this.findItem(actorId, sessionId);
      if (!item || count <= 0) return [];
      const first = Math.max(0, item.session.turnCount - count);
      // Newest first, so stop once the wanted turns are whole and an older second has begun: an
      // amendment is always written after (and never earlier in time than) the turn it changes.
      const enough = (events: Parameters<typeof eventsToRecords>[0]) => {
        const records = eventsToRecords(events, item.gen);
        const have = new Set(
          records
            .filter((r) => r.k === 'turn' && r.index >= first)
            .map((r) => (r as { index: number }).index),
        );
        if (have.size < item.session.turnCount - first) return false;
        const wantedSeqs = new Set(
          records.filter((r) => r.k === 'turn' && r.index >= first).map((r) => r.seq),
        );
        let oldestWanted = Infinity;
        for (const e of events) {
          const blob = blobOf(e);
          if (blob && wantedSeqs.has(blob.seq) && blob.gen === item.gen)
            oldestWanted = Math.min(oldestWanted, e.eventTimestamp?.getTime() ?? -Infinity);
        }
        const oldestRead = events.at(-1)?.eventTimestamp?.getTime() ?? Infinity;
        return oldestRead < oldestWanted;
      };
      const events = await this.log.read(memoryActorId(actorId), sessionId, { payloads: true, enough });
      const turns = replayTurns(eventsToRecords(events, item.gen));
      return [...turns]
        .filter(([i]) => i >= first)
        .sort(([a], [b]) => a - b)
        .map(([, t]) => t);
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
      if (!item) throw new NotFoundError(`no session ${sessionId}`);
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
      if (!before) throw new NotFoundError(`no session ${sessionId}`);
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
