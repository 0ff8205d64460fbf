/** Opaque page cursors: base64url JSON that only this service reads back, validated on receipt. */
import * as z from 'zod';
import { InvalidRequestError } from '../errors';

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

/** Newest `updatedAt` first; ties broken by id so pages never skip or repeat. */
export function compareSessions(
  a: { updatedAt: string; sessionId: string },
  b: { updatedAt: string; sessionId: string },
): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
  return a.sessionId < b.sessionId ? 1 : a.sessionId > b.sessionId ? -1 : 0;
}
