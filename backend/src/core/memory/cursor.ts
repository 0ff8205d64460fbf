/**
 * Opaque page cursors: base64url JSON that only this service reads back, validated on receipt; and
 * the pages that carry them, built alike by every store.
 */
import * as z from 'zod';
import type { Session, SessionSummary } from '../../protocol';
import { InvalidRequestError } from '../errors';
import type { Page, SessionPage, StoredTurn } from './types';

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidRequestError('cursor is not one this service issued');
  }
}

/** Keyset position in a newest-first session list. */
export const SessionCursor = z.object({ u: z.string(), s: z.string() });
/** Offset into a session's turns (append-only, so offsets are stable). */
export const TurnCursor = z.object({ o: z.number().int().min(0) });

/** Where a listing page starts: after this session (none: at the newest). */
export function listingPosition(
  cursor: string | undefined,
): { updatedAt: string; sessionId: string } | undefined {
  if (!cursor) return undefined;
  const { u, s } = decodeCursor(cursor, SessionCursor);
  return { updatedAt: u, sessionId: s };
}

/** A page of a listing; `more`: sessions remain after the last of `items`. */
export function listingPage(items: Session[], more: boolean): Page<Session> {
  const last = items.at(-1);
  return more && last
    ? { items, nextCursor: encodeCursor({ u: last.updatedAt, s: last.sessionId }) }
    : { items };
}

/** Where a page of turns starts: the offset its cursor names (none: the first turn). */
export function turnOffset(cursor: string | undefined): number {
  return cursor ? decodeCursor(cursor, TurnCursor).o : 0;
}

/** A page of `session`'s turns; `next`: the offset the following page starts at, when there is one. */
export function turnPage(
  session: Session,
  turns: StoredTurn[],
  next: number | undefined,
  summary: SessionSummary | undefined,
): SessionPage {
  const page: SessionPage = { session, turns };
  if (next !== undefined) page.nextCursor = encodeCursor({ o: next });
  if (summary) page.summary = summary;
  return page;
}

/** Newest `updatedAt` first; ties broken by id so pages never skip or repeat. */
export function compareSessions(
  a: { updatedAt: string; sessionId: string },
  b: { updatedAt: string; sessionId: string },
): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
  return a.sessionId < b.sessionId ? 1 : a.sessionId > b.sessionId ? -1 : 0;
}
