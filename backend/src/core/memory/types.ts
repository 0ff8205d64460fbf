/**
 * Conversation memory. Every method takes the verified caller's `actorId` first, and a store never
 * answers with another actor's data: a session of someone else reads as missing.
 *
 * What every store must do (test/integration/memory/conformance.ts checks it on each store):
 * - key everything by the `actorId` it is given, never by anything from the request body;
 * - resolve a write only once it is durable: a new store instance over the same storage (a restart)
 *   sees every acknowledged write;
 * - throw `UnavailableError` (errors.ts) when its backing storage fails, so the service answers 503;
 *   `NotFoundError` / `InvalidRequestError` / `SessionChangedError` keep their meaning;
 * - store turns of any size (a 300 KB tool result, a multi-megabyte history), splitting them where
 *   the backing service has an item limit;
 * - keep a search index up to date on every write, so `listSessions` with `query` never reads
 *   every session ({@link searchText} says what is indexed).
 */
import type { Message } from '@aws-sdk/client-bedrock-runtime';
import type { Session, Turn } from '../../protocol';

/** A turn as stored: the contract's `Turn` plus what replaying it to the model needs. */
export interface StoredTurn extends Turn {
  /**
   * The Converse messages behind this turn (the full prompt of a user turn, the tool calls and
   * results of an assistant turn). Absent: the turn replays as its plain text.
   */
  messages?: Message[];
}

export interface NewSession {
  sessionId: string;
  title: string;
  taskId?: string;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface MemoryStore {
  createSession(actorId: string, session: NewSession): Promise<Session>;
  /**
   * Stored and flushed when the promise resolves. With `expectedTurnCount`, appends only if the
   * session still has that many turns (else `SessionChangedError`): how one-time decisions such as
   * approvals are made race-free.
   */
  appendTurn(
    actorId: string,
    sessionId: string,
    turn: StoredTurn,
    options?: { expectedTurnCount?: number },
  ): Promise<Session>;
  /**
   * Replaces a stored turn's text and status (a message a guardrail blocked after it was stored).
   * The replaced text must leave the search index too. Unknown index: `NotFoundError`.
   */
  amendTurn(
    actorId: string,
    sessionId: string,
    index: number,
    patch: Pick<StoredTurn, 'text' | 'status' | 'messages'>,
  ): Promise<void>;
  /**
   * Newest `updatedAt` first, `limit` at a time, with an opaque `nextCursor` only when more remain.
   * `query` (trimmed, case-insensitive, literal substring) matches the title or what was said in the
   * session's turns, answered from an index the store keeps on write; a blank query lists all.
   */
  listSessions(
    actorId: string,
    options: { limit: number; cursor?: string; query?: string },
  ): Promise<Page<Session>>;
  /** Oldest turn first; the cursor pages forward through the turns. Missing or not the actor's: undefined. */
  getSession(
    actorId: string,
    sessionId: string,
    options: { limit: number; cursor?: string },
  ): Promise<{ session: Session; turns: StoredTurn[]; nextCursor?: string } | undefined>;
  /**
   * The last `count` turns, oldest first, for the model's context. Runs every turn, so its cost must
   * be bounded by `count`, not by the session's length.
   */
  recentTurns(actorId: string, sessionId: string, count: number): Promise<StoredTurn[]>;
  renameSession(actorId: string, sessionId: string, title: string): Promise<Session | undefined>;
  /** Removes every stored item of the session (turns, chunks, index entries); false if none. */
  deleteSession(actorId: string, sessionId: string): Promise<boolean>;
}

/** How much of a session's turn text the search index keeps (title aside): the first this many chars. */
export const SEARCH_TEXT_MAX_CHARS = 16_000;

/**
 * The searchable text a turn adds to its session's index: its text, lower-cased. Tool results and
 * replay messages are not indexed.
 */
export function searchText(turn: Pick<StoredTurn, 'text' | 'status'>): string {
  return turn.status === 'blocked' ? '' : turn.text.toLowerCase();
}

/** Appends a turn's searchable text to a session's, within {@link SEARCH_TEXT_MAX_CHARS}. */
export function appendSearchText(current: string, turn: Pick<StoredTurn, 'text' | 'status'>): string {
  const add = searchText(turn);
  if (!add || current.length >= SEARCH_TEXT_MAX_CHARS) return current;
  return (current ? `${current}\n${add}` : add).slice(0, SEARCH_TEXT_MAX_CHARS);
}

/** The normalized form of a `listSessions` query: trimmed and lower-cased; undefined when blank. */
export function normalizeQuery(query: string | undefined): string | undefined {
  const q = query?.trim().toLowerCase();
  return q ? q : undefined;
}
