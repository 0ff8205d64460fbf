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
 *   every session ({@link searchText} says what is indexed);
 * - return replay messages in the neutral form (model/types.ts) from every read, converting what
 *   earlier versions stored as Bedrock Converse messages (legacy-messages.ts) without rewriting it;
 *   a turn whose messages cannot be read comes back without them (it replays as its text);
 * - keep a session's usage totals (`Session.usage`, usage-totals.ts) as turns with `usage` arrive;
 * - keep one summary per session, of any size up to the backing service's limits, gone with the session;
 * - count tokens per actor and UTC day atomically across every process sharing the storage
 *   (token-counter.ts checks the arguments; DynamoDB counters expire a few days after their day);
 * - map failures through store-errors.ts, so throttling and outages read alike in every store.
 */
import { SessionSummary, type Session, type Turn } from '../../protocol';
import { InvalidRequestError } from '../errors';
import type { Message } from '../model/types';

/** A turn as stored: the contract's `Turn` plus what replaying it to the model needs. */
export interface StoredTurn extends Turn {
  /**
   * The model messages behind this turn (the full prompt of a user turn, the tool calls and
   * results of an assistant turn), provider-neutral. Absent: the turn replays as its plain text;
   * empty: the turn is for display only.
   */
  messages?: Message[];
}

/** `appendTurn`'s options: with `expectedTurnCount`, the append is a one-time decision. */
export interface AppendOptions {
  expectedTurnCount?: number;
}

/** `listSessions`' options: a page of `limit` sessions after `cursor`, those matching `query` only. */
export interface ListOptions {
  limit: number;
  cursor?: string;
  query?: string;
}

/** `getSession`'s options: a page of `limit` turns from `cursor`. */
export interface TurnPageOptions {
  limit: number;
  cursor?: string;
}

/** What `amendTurn` replaces in a stored turn. */
export type TurnPatch = Pick<StoredTurn, 'text' | 'status' | 'messages'>;

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

/** What `getSession` answers: the session, a page of its turns, and its summary when it has one. */
export interface SessionPage {
  session: Session;
  turns: StoredTurn[];
  nextCursor?: string;
  summary?: SessionSummary;
}

export interface MemoryStore {
  createSession(actorId: string, session: NewSession): Promise<Session>;
  /**
   * Stored and flushed when the promise resolves. With `expectedTurnCount`, appends only if the
   * session still has that many turns (else `SessionChangedError`): how one-time decisions such as
   * approvals are made race-free. A turn with `usage` adds its tokens to the session's `usage` and
   * sets its `modelId` (when the turn names one); the session returned carries the new totals.
   */
  appendTurn(actorId: string, sessionId: string, turn: StoredTurn, options?: AppendOptions): Promise<Session>;
  /**
   * Replaces a stored turn's text and status (a message a guardrail blocked after it was stored).
   * The replaced text must leave the search index too. Unknown index: `NotFoundError`.
   */
  amendTurn(actorId: string, sessionId: string, index: number, patch: TurnPatch): Promise<void>;
  /**
   * Newest `updatedAt` first, `limit` at a time, with an opaque `nextCursor` only when more remain.
   * `query` (trimmed, case-insensitive, literal substring) matches the title or what was said in the
   * session's turns, answered from an index the store keeps on write; a blank query lists all.
   */
  listSessions(actorId: string, options: ListOptions): Promise<Page<Session>>;
  /**
   * Oldest turn first; the cursor pages forward through the turns; the session's summary on every
   * page. Missing or not the actor's: undefined.
   */
  getSession(actorId: string, sessionId: string, options: TurnPageOptions): Promise<SessionPage | undefined>;
  /**
   * The last `count` turns, oldest first, for the model's context. Runs every turn, so its cost must
   * be bounded by `count`, not by the session's length.
   */
  recentTurns(actorId: string, sessionId: string, count: number): Promise<StoredTurn[]>;
  renameSession(actorId: string, sessionId: string, title: string): Promise<Session | undefined>;
  /** Removes every stored item of the session (turns, chunks, summary, index entries); false if none. */
  deleteSession(actorId: string, sessionId: string): Promise<boolean>;
  /** The session's summary; undefined when it has none, or is missing or not the actor's. */
  getSummary(actorId: string, sessionId: string): Promise<SessionSummary | undefined>;
  /**
   * Replaces the session's summary, durably when it resolves. A missing session (or another
   * actor's): `NotFoundError`. Summaries may be large (tens of KB): stores split them as needed.
   */
  saveSummary(actorId: string, sessionId: string, summary: SessionSummary): Promise<void>;
  /**
   * Adds `tokens` to the actor's counter of `day` (`YYYY-MM-DD`, UTC) and answers the new total.
   * Atomic: concurrent adds (any process) are all counted. `tokens` must be a non-negative
   * integer and `day` a real date, else `InvalidRequestError`.
   */
  addTokens(actorId: string, day: string, tokens: number): Promise<number>;
  /** The actor's counter of `day`; 0 when nothing was counted. */
  tokensUsed(actorId: string, day: string): Promise<number>;
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

/** A summary as stores keep it: only the contract's fields, each of its type (else InvalidRequestError). */
export function checkSummary(summary: SessionSummary): SessionSummary {
  const parsed = SessionSummary.safeParse(summary);
  if (!parsed.success) throw new InvalidRequestError('a summary needs text, keepFrom and createdAt');
  const { text, keepFrom, createdAt } = parsed.data;
  return { text, keepFrom, createdAt };
}
