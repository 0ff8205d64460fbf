/**
 * What appending or amending a turn does to a session, decided the same way in every store (each
 * keeps the result in its own form: an index entry, a DynamoDB item, a session index item).
 */
import type { Session } from '../../protocol';
import { NotFoundError, SessionChangedError } from '../errors';
import type { StoredTurn, TurnPatch } from './types';
import { addUsage } from './usage-totals';

/** An append with `expectedTurnCount` goes ahead only while the session still has that many turns. */
export function checkExpectedTurns(turnCount: number, expected: number | undefined): void {
  if (expected !== undefined && turnCount !== expected) throw new SessionChangedError();
}

export function checkTurnIndex(index: number, turnCount: number, sessionId: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= turnCount) throw noSuchTurn(index, sessionId);
}

export function noSuchTurn(index: number, sessionId: string): NotFoundError {
  return new NotFoundError(`no turn ${index} in session ${sessionId}`);
}

export function noSuchSession(sessionId: string): NotFoundError {
  return new NotFoundError(`no session ${sessionId}`);
}

/** The session (or a store's record of it) once `turn` is appended: one turn more, its time, its usage. */
export function withTurn<S extends Pick<Session, 'turnCount' | 'updatedAt' | 'usage'>>(
  session: S,
  turn: StoredTurn,
): S {
  const usage = addUsage(session.usage, turn.usage);
  return {
    ...session,
    turnCount: session.turnCount + 1,
    updatedAt: turn.createdAt,
    ...(usage ? { usage } : {}),
  };
}

/** `turn` with the patch's text and status, and its replay messages (none when the patch has none). */
export function amendedTurn(turn: StoredTurn, patch: TurnPatch): StoredTurn {
  const { messages: _replaced, ...rest } = turn;
  return {
    ...rest,
    text: patch.text,
    status: patch.status,
    ...(patch.messages ? { messages: patch.messages } : {}),
  };
}
