/**
 * The `file` memory store: one append-only JSON-lines file per session under a folder per actor
 * (file/session-file.ts), plus an index kept as a snapshot and a journal (file/index-journal.ts)
 * that is only a cache, checked against the session files whenever an actor's folder is loaded.
 * Pure Node, no native modules, so it runs in the extension host too.
 *
 * Costs per call: an append is one durable write of the session file (O_DSYNC: the data is on the
 * disk when it returns, as after write + fdatasync) plus one short, unsynced journal line, through
 * files kept open between calls (file/open-files.ts); creating a
 * session adds one directory sync. Reads of a recently used session's turns are answered from
 * memory (file/turn-cache.ts), filled from its file once; otherwise `recentTurns` reads the file's
 * tail and `getSession` its head, never more than the turns asked for. `listSessions` is answered
 * from memory (titles and turn text included, for `query`), and so is whether a session has a
 * summary once it was read.
 */
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Session, SessionSummary } from '../../protocol';
import { InvalidRequestError } from '../errors';
import { compareSessions, listingPage, listingPosition, turnOffset, turnPage } from './cursor';
import { actorFolder, loadActor, sessionFile, type ActorState } from './file/actor-state';
import type { IndexEntry } from './file/index-journal';
import { forgetFile } from './file/open-files';
import { TurnCache } from './file/turn-cache';
import {
  appendRecord,
  readHead,
  readTail,
  readWhole,
  repairTail,
  syncDir,
  type SessionRecord,
} from './file/session-file';
import { readSummary, removeSummary, writeSummary } from './file/summary-file';
import { addTokensInFile, tokensInFile } from './file/token-file';
import { readStoredTurn } from './legacy-messages';
import { checkExpectedTurns, checkTurnIndex, noSuchSession, withTurn } from './session-updates';
import { guardStore as guard } from './store-errors';
import { checkDay, checkTokens } from './token-counter';
import { appendSearchText, checkSummary, normalizeQuery } from './types';
import type { AppendOptions, ListOptions, MemoryStore, NewSession, Page } from './types';
import type { SessionPage, StoredTurn, TurnPageOptions, TurnPatch } from './types';

export class FileMemoryStore implements MemoryStore {
  private readonly actors = new Map<string, Promise<ActorState>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly repaired = new Set<string>();
  private readonly turns: TurnCache;

  constructor(
    private readonly root: string,
    private readonly warn: (message: string) => void = () => {},
    /** `cacheChars`: the size of the recent sessions' turns kept in memory (default 16 M characters). */
    options: { cacheChars?: number } = {},
  ) {
    this.turns = new TurnCache(options.cacheChars);
  }

  async createSession(actorId: string, init: NewSession): Promise<Session> {
    return this.locked(actorId, async (state) => {
      const file = sessionFile(state.dir, init.sessionId);
      if (state.sessions.has(init.sessionId)) throw new InvalidRequestError('that sessionId is taken');
      // A file the index does not know (a crash before its index line) is a session too.
      const size = await appendRecord(file, { t: 'meta', ...init }, true).catch(
        (e: NodeJS.ErrnoException) => {
          if (e.code === 'EEXIST') throw new InvalidRequestError('that sessionId is taken');
          throw e;
        },
      );
      await syncDir(state.dir);
      // A summary a crash left of an earlier session with this id is not this one's.
      await removeSummary(state.dir, init.sessionId);
      state.summaries.set(init.sessionId, null);
      this.turns.fill(file, []);
      this.repaired.add(file);
      const session: Session = { ...init, updatedAt: init.createdAt, turnCount: 0 };
      await this.record(state, init.sessionId, { session, size, said: '', amends: {} });
      return session;
    });
  }

  async appendTurn(
    actorId: string,
    sessionId: string,
    turn: StoredTurn,
    options: AppendOptions = {},
  ): Promise<Session> {
    return this.locked(actorId, async (state) => {
      const entry = this.entry(state, sessionId);
      checkExpectedTurns(entry.session.turnCount, options.expectedTurnCount);
      const file = await this.writable(state, sessionId, entry);
      const written = await this.append(file, { t: 'turn', ...turn });
      const said = appendSearchText(entry.said, turn);
      const next: IndexEntry = {
        ...entry,
        session: withTurn(entry.session, turn),
        size: entry.size + written,
        said,
      };
      this.turns.append(file, turn);
      await this.record(state, sessionId, next, said.slice(entry.said.length));
      return next.session;
    });
  }

  async amendTurn(actorId: string, sessionId: string, index: number, patch: TurnPatch): Promise<void> {
    return this.locked(actorId, async (state) => {
      const entry = this.entry(state, sessionId);
      checkTurnIndex(index, entry.session.turnCount, sessionId);
      const file = await this.writable(state, sessionId, entry);
      const written = await this.append(file, { t: 'amend', index, ...patch });
      // Rare (a guardrail verdict): read the session once so replaced words leave the search text.
      const whole = await readWhole(file, this.warn);
      if (whole && this.turns.has(file)) this.turns.fill(file, whole.turns);
      else this.turns.drop(file);
      const said = whole ? whole.said : entry.said;
      const amends = { ...entry.amends, [index]: [entry.size, written] as [number, number] };
      await this.record(state, sessionId, { ...entry, size: entry.size + written, said, amends });
    });
  }

  async listSessions(actorId: string, options: ListOptions): Promise<Page<Session>> {
    return guard(async () => {
      const after = listingPosition(options.cursor);
      const state = await this.actor(actorId);
      const query = normalizeQuery(options.query);
      const sorted = (state.sorted ??= [...state.sessions.values()]
        .map((e) => e.session)
        .sort(compareSessions));
      const start = after ? firstAfter(sorted, after) : 0;
      const items: Session[] = [];
      let more = false;
      for (let i = start; i < sorted.length; i++) {
        const session = sorted[i]!;
        if (query && !matches(state.sessions.get(session.sessionId), query)) continue;
        if (items.length === options.limit) {
          more = true;
          break;
        }
        items.push(session);
      }
      return listingPage(items, more);
    });
  }

  async getSession(
    actorId: string,
    sessionId: string,
    options: TurnPageOptions,
  ): Promise<SessionPage | undefined> {
    return guard(async () => {
      const offset = turnOffset(options.cursor);
      const state = await this.actor(actorId);
      const entry = state.sessions.get(sessionId);
      if (!entry) return undefined;
      const { session } = entry;
      const count = Math.max(0, Math.min(options.limit, session.turnCount - offset));
      const file = sessionFile(state.dir, sessionId);
      // From memory, or from whichever end of the file is nearer the turns asked for.
      const raw =
        (await this.cachedTurns(actorId, sessionId, file, offset, count)) ??
        (offset >= session.turnCount / 2
          ? (
              await readTail(file, entry.size, session.turnCount, session.turnCount - offset, entry.amends)
            ).slice(0, count)
          : await readHead(file, offset, count, entry.amends));
      const turns = raw.map(readStoredTurn);
      const summary = await this.summary(state, sessionId, session.createdAt);
      const next = offset + turns.length;
      return turnPage(
        session,
        turns,
        next < session.turnCount && turns.length > 0 ? next : undefined,
        summary,
      );
    });
  }

  async recentTurns(actorId: string, sessionId: string, count: number): Promise<StoredTurn[]> {
    return guard(async () => {
      const state = await this.actor(actorId);
      const entry = state.sessions.get(sessionId);
      if (!entry) return [];
      const file = sessionFile(state.dir, sessionId);
      const { turnCount } = entry.session;
      const from = Math.max(0, turnCount - Math.max(0, count));
      const raw =
        (await this.cachedTurns(actorId, sessionId, file, from, turnCount - from)) ??
        (await readTail(file, entry.size, turnCount, count, entry.amends));
      return raw.map(readStoredTurn);
    });
  }

  async renameSession(actorId: string, sessionId: string, title: string): Promise<Session | undefined> {
    return this.locked(actorId, async (state) => {
      const entry = state.sessions.get(sessionId);
      if (!entry) return undefined;
      const file = await this.writable(state, sessionId, entry);
      const written = await this.append(file, { t: 'title', title, at: new Date().toISOString() });
      const next = { ...entry, session: { ...entry.session, title }, size: entry.size + written };
      await this.record(state, sessionId, next);
      return next.session;
    });
  }

  async deleteSession(actorId: string, sessionId: string): Promise<boolean> {
    return this.locked(actorId, async (state) => {
      if (!state.sessions.has(sessionId)) return false;
      // The summary first: a crash between the two leaves a session without one, never an orphan.
      await removeSummary(state.dir, sessionId);
      state.summaries.delete(sessionId);
      const file = sessionFile(state.dir, sessionId);
      await forgetFile(file);
      this.turns.drop(file);
      this.repaired.delete(file);
      await unlink(file).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      state.sessions.delete(sessionId);
      state.sorted = undefined;
      await state.journal.delete(sessionId);
      return true;
    });
  }

  async getSummary(actorId: string, sessionId: string): Promise<SessionSummary | undefined> {
    return guard(async () => {
      const state = await this.actor(actorId);
      const entry = state.sessions.get(sessionId);
      return entry ? this.summary(state, sessionId, entry.session.createdAt) : undefined;
    });
  }

  async saveSummary(actorId: string, sessionId: string, summary: SessionSummary): Promise<void> {
    const checked = checkSummary(summary);
    return this.locked(actorId, async (state) => {
      const entry = this.entry(state, sessionId);
      // Unknown until the write is known to have landed (or not).
      state.summaries.delete(sessionId);
      await writeSummary(state.dir, sessionId, entry.session.createdAt, checked);
      state.summaries.set(sessionId, checked);
    });
  }

  async addTokens(actorId: string, day: string, tokens: number): Promise<number> {
    checkDay(day);
    checkTokens(tokens);
    return guard(async () => addTokensInFile((await this.actor(actorId)).dir, day, tokens));
  }

  async tokensUsed(actorId: string, day: string): Promise<number> {
    checkDay(day);
    return guard(async () => tokensInFile((await this.actor(actorId)).dir, day));
  }

  /** Writes for one actor run one at a time, so the index and the files never race. */
  private locked<T>(actorId: string, work: (state: ActorState) => Promise<T>): Promise<T> {
    const previous = this.locks.get(actorId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => guard(async () => work(await this.actor(actorId))));
    this.locks.set(actorId, next);
    return next;
  }

  private actor(actorId: string): Promise<ActorState> {
    let state = this.actors.get(actorId);
    if (!state) {
      state = loadActor(join(this.root, actorFolder(actorId)), this.warn);
      state.catch(() => this.actors.delete(actorId));
      this.actors.set(actorId, state);
    }
    return state;
  }

  private entry(state: ActorState, sessionId: string): IndexEntry {
    const entry = state.sessions.get(sessionId);
    if (!entry) throw noSuchSession(sessionId);
    return entry;
  }

  /**
   * Turns `from`.. (at most `count`) from memory; the session's file is read whole into it first,
   * under the writer lock so no append slips between the read and the fill. Undefined: the
   * session is too large to keep, so the caller reads only what it needs from the file.
   */
  private async cachedTurns(
    actorId: string,
    sessionId: string,
    file: string,
    from: number,
    count: number,
  ): Promise<StoredTurn[] | undefined> {
    const hit = this.turns.slice(file, from, count);
    if (hit) return hit;
    const known = (await this.actor(actorId)).sessions.get(sessionId);
    if (!known || !this.turns.fits(known.size)) return undefined;
    await this.locked(actorId, async (state) => {
      const entry = state.sessions.get(sessionId);
      if (this.turns.has(file) || !entry || !this.turns.fits(entry.size)) return;
      const whole = await readWhole(file, this.warn);
      if (whole?.turns.length === entry.session.turnCount) this.turns.fill(file, whole.turns);
    });
    return this.turns.slice(file, from, count);
  }

  /** The session's summary, read from its file once. */
  private async summary(
    state: ActorState,
    sessionId: string,
    createdAt: string,
  ): Promise<SessionSummary | undefined> {
    const known = state.summaries.get(sessionId);
    if (known !== undefined) return known ?? undefined;
    const read = await readSummary(state.dir, sessionId, createdAt);
    // A write or delete of the session meanwhile decided it; theirs stands.
    if (!state.summaries.has(sessionId) && state.sessions.has(sessionId))
      state.summaries.set(sessionId, read ?? null);
    return read;
  }

  /** Appends a record; a failed write may have left a torn line, cut off before the next one. */
  private async append(file: string, record: SessionRecord): Promise<number> {
    try {
      return await appendRecord(file, record);
    } catch (error) {
      this.repaired.delete(file);
      throw error;
    }
  }

  /** The session's file, its torn last line (if a crash left one) cut off first. */
  private async writable(state: ActorState, sessionId: string, entry: IndexEntry): Promise<string> {
    const file = sessionFile(state.dir, sessionId);
    if (!this.repaired.has(file)) {
      const size = await repairTail(file, entry.size);
      if (size !== entry.size) {
        this.warn(`memory: dropped a torn last line in ${file}`);
        entry.size = size;
      }
      this.repaired.add(file);
    }
    return file;
  }

  private async record(state: ActorState, sessionId: string, entry: IndexEntry, add?: string): Promise<void> {
    state.sessions.set(sessionId, entry);
    state.sorted = undefined;
    await state.journal.put(sessionId, entry, add);
    await state.journal.compactIfLarge(state.sessions);
  }
}

function matches(entry: IndexEntry | undefined, query: string): boolean {
  return !!entry && (entry.session.title.toLowerCase().includes(query) || entry.said.includes(query));
}

/** Index of the first session that sorts after `position` (binary search over the sorted list). */
function firstAfter(sorted: Session[], position: { updatedAt: string; sessionId: string }): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareSessions(sorted[mid]!, position) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
