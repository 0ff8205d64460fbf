/**
 * The `file` memory store: one append-only JSON-lines file per session under a folder per actor,
 * plus an index that is only a cache and is rebuilt from the session files whenever it disagrees
 * with them. Pure Node, no native modules, so it runs in the extension host too.
 *
 * Crash safety: each record is one line, written and fdatasync'ed before the call resolves. A
 * crash mid-write leaves at most a torn last line, which readers drop and the next append cuts off.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SESSION_ID_PATTERN, type Session } from '../../protocol';
import { InvalidRequestError, NotFoundError, SessionChangedError } from '../errors';
import { compareSessions, decodeCursor, encodeCursor, SessionCursor, TurnCursor } from './cursor';
import type { MemoryStore, NewSession, Page, StoredTurn } from './types';

type SessionRecord =
  | { t: 'meta'; sessionId: string; title: string; taskId?: string; createdAt: string }
  | { t: 'title'; title: string; at: string }
  | {
      t: 'amend';
      index: number;
      text: string;
      status: StoredTurn['status'];
      messages?: StoredTurn['messages'];
    }
  | ({ t: 'turn' } & StoredTurn);

interface IndexEntry {
  session: Session;
  /** Size of the session file the summary was read from; a mismatch means the index is stale. */
  size: number;
}

interface ActorState {
  dir: string;
  sessions: Map<string, IndexEntry>;
}

const INDEX_FILE = 'index.json';

export class FileMemoryStore implements MemoryStore {
  private readonly actors = new Map<string, Promise<ActorState>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly repaired = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  async createSession(actorId: string, init: NewSession): Promise<Session> {
    return this.locked(actorId, async (state) => {
      const file = sessionFile(state.dir, init.sessionId);
      if (state.sessions.has(init.sessionId)) throw new InvalidRequestError('that sessionId is taken');
      const meta: SessionRecord = { t: 'meta', ...init };
      await appendLine(file, meta, { newFile: true });
      await syncDir(state.dir);
      const session: Session = { ...init, updatedAt: init.createdAt, turnCount: 0 };
      state.sessions.set(init.sessionId, { session, size: (await stat(file)).size });
      await this.writeIndex(state);
      return session;
    });
  }

  async appendTurn(
    actorId: string,
    sessionId: string,
    turn: StoredTurn,
    options: { expectedTurnCount?: number } = {},
  ): Promise<Session> {
    return this.locked(actorId, async (state) => {
      const entry = state.sessions.get(sessionId);
      if (!entry) throw new NotFoundError(`no session ${sessionId}`);
      if (options.expectedTurnCount !== undefined && entry.session.turnCount !== options.expectedTurnCount)
        throw new SessionChangedError();
      const file = sessionFile(state.dir, sessionId);
      await this.repairTail(file);
      await appendLine(file, { t: 'turn', ...turn });
      entry.session = { ...entry.session, turnCount: entry.session.turnCount + 1, updatedAt: turn.createdAt };
      entry.size = (await stat(file)).size;
      await this.writeIndex(state);
      return entry.session;
    });
  }

  async amendTurn(
    actorId: string,
    sessionId: string,
    index: number,
    patch: Pick<StoredTurn, 'text' | 'status' | 'messages'>,
  ): Promise<void> {
    return this.locked(actorId, async (state) => {
      const entry = state.sessions.get(sessionId);
      if (!entry) throw new NotFoundError(`no session ${sessionId}`);
      if (index < 0 || index >= entry.session.turnCount)
        throw new NotFoundError(`no turn ${index} in session ${sessionId}`);
      const file = sessionFile(state.dir, sessionId);
      await this.repairTail(file);
      await appendLine(file, { t: 'amend', index, ...patch });
      entry.size = (await stat(file)).size;
      await this.writeIndex(state);
    });
  }

  async listSessions(
    actorId: string,
    options: { limit: number; cursor?: string; query?: string },
  ): Promise<Page<Session>> {
    const state = await this.actor(actorId);
    const after = options.cursor ? decodeCursor(options.cursor, SessionCursor) : undefined;
    const query = options.query?.trim().toLowerCase();
    const all = [...state.sessions.values()]
      .map((e) => e.session)
      .filter((s) => !query || s.title.toLowerCase().includes(query))
      .sort(compareSessions)
      .filter((s) => !after || compareSessions(s, { updatedAt: after.u, sessionId: after.s }) > 0);
    const items = all.slice(0, options.limit);
    const last = items.at(-1);
    return all.length > items.length && last
      ? { items, nextCursor: encodeCursor({ u: last.updatedAt, s: last.sessionId }) }
      : { items };
  }

  async getSession(actorId: string, sessionId: string, options: { limit: number; cursor?: string }) {
    const state = await this.actor(actorId);
    if (!state.sessions.has(sessionId)) return undefined;
    const read = await readSession(sessionFile(state.dir, sessionId), this.warn);
    if (!read) return undefined;
    const offset = options.cursor ? decodeCursor(options.cursor, TurnCursor).o : 0;
    const turns = read.turns.slice(offset, offset + options.limit);
    const next = offset + turns.length;
    return next < read.turns.length
      ? { session: read.session, turns, nextCursor: encodeCursor({ o: next }) }
      : { session: read.session, turns };
  }

  async recentTurns(actorId: string, sessionId: string, count: number): Promise<StoredTurn[]> {
    const state = await this.actor(actorId);
    if (!state.sessions.has(sessionId)) return [];
    const read = await readSession(sessionFile(state.dir, sessionId), this.warn);
    return read ? read.turns.slice(-count) : [];
  }

  async renameSession(actorId: string, sessionId: string, title: string): Promise<Session | undefined> {
    return this.locked(actorId, async (state) => {
      const entry = state.sessions.get(sessionId);
      if (!entry) return undefined;
      const file = sessionFile(state.dir, sessionId);
      await this.repairTail(file);
      await appendLine(file, { t: 'title', title, at: new Date().toISOString() });
      entry.session = { ...entry.session, title };
      entry.size = (await stat(file)).size;
      await this.writeIndex(state);
      return entry.session;
    });
  }

  async deleteSession(actorId: string, sessionId: string): Promise<boolean> {
    return this.locked(actorId, async (state) => {
      if (!state.sessions.delete(sessionId)) return false;
      await unlink(sessionFile(state.dir, sessionId)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      await this.writeIndex(state);
      return true;
    });
  }

  /** Writes for one actor run one at a time, so the index and the files never race. */
  private locked<T>(actorId: string, work: (state: ActorState) => Promise<T>): Promise<T> {
    const previous = this.locks.get(actorId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(async () => work(await this.actor(actorId)));
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

  /** Cuts a torn last line (left by a crash) so the next record starts on a line of its own. */
  private async repairTail(file: string): Promise<void> {
    if (this.repaired.has(file)) return;
    const text = await readFile(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) {
      const keep = Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1), 'utf8');
      this.warn(`memory: dropped a torn last line in ${file}`);
      await truncate(file, keep);
    }
    this.repaired.add(file);
  }

  private async writeIndex(state: ActorState): Promise<void> {
    // The index is a cache of the session files, so it is replaced atomically but not fsync'ed.
    const tmp = join(state.dir, `${INDEX_FILE}.${process.pid}.tmp`);
    await writeFile(tmp, JSON.stringify({ v: 1, sessions: Object.fromEntries(state.sessions) }));
    await rename(tmp, join(state.dir, INDEX_FILE));
  }
}

/** Actor ids are arbitrary strings; the folder is a hash so no id can name a path. */
function actorFolder(actorId: string): string {
  return createHash('sha256').update(actorId).digest('hex').slice(0, 32);
}

function sessionFile(dir: string, sessionId: string): string {
  // The contract's pattern has no dot or slash, so a valid id cannot leave the actor's folder.
  if (!SESSION_ID_PATTERN.test(sessionId)) throw new InvalidRequestError('invalid sessionId');
  return join(dir, `${sessionId}.jsonl`);
}

async function appendLine(
  file: string,
  record: SessionRecord,
  options: { newFile?: boolean } = {},
): Promise<void> {
  const handle = await open(file, options.newFile ? 'wx' : 'a');
  try {
    await handle.appendFile(`${JSON.stringify(record)}\n`, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function loadActor(dir: string, warn: (message: string) => void): Promise<ActorState> {
  await mkdir(dir, { recursive: true });
  const cached = new Map<string, IndexEntry>();
  try {
    const index = JSON.parse(await readFile(join(dir, INDEX_FILE), 'utf8')) as {
      sessions?: Record<string, IndexEntry>;
    };
    for (const [id, entry] of Object.entries(index.sessions ?? {})) cached.set(id, entry);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      warn(`memory: rebuilding an unreadable index in ${dir}`);
  }
  const sessions = new Map<string, IndexEntry>();
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
  await Promise.all(
    files.map(async (name) => {
      const sessionId = name.slice(0, -'.jsonl'.length);
      if (!SESSION_ID_PATTERN.test(sessionId)) return;
      const file = join(dir, name);
      const size = (await stat(file)).size;
      const hit = cached.get(sessionId);
      if (hit && hit.size === size) return void sessions.set(sessionId, hit);
      const read = await readSession(file, warn);
      if (read) sessions.set(sessionId, { session: read.session, size });
    }),
  );
  return { dir, sessions };
}

/** Reads whole lines only: a torn last line is dropped, a corrupt middle line skipped with a warning. */
async function readSession(
  file: string,
  warn: (message: string) => void,
): Promise<{ session: Session; turns: StoredTurn[] } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const lines = text.split('\n');
  const torn = lines.pop() ?? ''; // '' when the file ends with a newline, as whole files do
  if (torn !== '') warn(`memory: ignoring a torn last line in ${file}`);
  let session: Session | undefined;
  const turns: StoredTurn[] = [];
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    let record: SessionRecord;
    try {
      record = JSON.parse(line) as SessionRecord;
    } catch {
      warn(`memory: skipping corrupt line ${i + 1} in ${file}`);
      continue;
    }
    if (record.t === 'meta') {
      const { t: _t, ...meta } = record;
      session = { ...meta, updatedAt: meta.createdAt, turnCount: 0 };
    } else if (session && record.t === 'title') {
      session.title = record.title;
    } else if (session && record.t === 'amend') {
      const target = turns[record.index];
      if (target) {
        target.text = record.text;
        target.status = record.status;
        if (record.messages) target.messages = record.messages;
        else delete target.messages;
      }
    } else if (session && record.t === 'turn') {
      const { t: _t, ...turn } = record;
      turns.push(turn);
      session.turnCount++;
      session.updatedAt = turn.createdAt;
    }
  }
  return session ? { session, turns } : undefined;
}
