/**
 * Conversation memory. Every method takes the verified caller's `actorId` first, and a store never
 * answers with another actor's data: a session of someone else reads as missing.
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
  /** Replaces a stored turn's text and status (a message a guardrail blocked after it was stored). */
  amendTurn(
    actorId: string,
    sessionId: string,
    index: number,
    patch: Pick<StoredTurn, 'text' | 'status' | 'messages'>,
  ): Promise<void>;
  /** Newest `updatedAt` first; `query` matches titles, case-insensitively. */
  listSessions(
    actorId: string,
    options: { limit: number; cursor?: string; query?: string },
  ): Promise<Page<Session>>;
  /** Oldest turn first. */
  getSession(
    actorId: string,
    sessionId: string,
    options: { limit: number; cursor?: string },
  ): Promise<{ session: Session; turns: StoredTurn[]; nextCursor?: string } | undefined>;
  /** The last `count` turns, oldest first, for the model's context. */
  recentTurns(actorId: string, sessionId: string, count: number): Promise<StoredTurn[]>;
  renameSession(actorId: string, sessionId: string, title: string): Promise<Session | undefined>;
  deleteSession(actorId: string, sessionId: string): Promise<boolean>;
}
