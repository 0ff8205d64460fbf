/**
 * The items of the conversation table (key schema in table.ts):
 *
 * | item          | pk                     | sk                   | gpk      | gsk                    |
 * | ------------- | ---------------------- | -------------------- | -------- | ---------------------- |
 * | session       | `A#<actor>#S#<id>`     | `SESSION`            | `A#<actor>` | `<updatedAt>#<id>`  |
 * | turn          | `A#<actor>#S#<id>`     | `T#<index, 10 digits>` |        |                        |
 * | turn chunk    | `A#<actor>#S#<id>`     | `T#<index>#C#<n>`    |          |                        |
 *
 * `<actor>` is a hash of the verified actor id, so no id can forge another's key. One partition per
 * session makes "delete every item" one Query; the GSI lists an actor's sessions newest first.
 * A turn is its JSON as bytes; past {@link CHUNK_BYTES} it is split into chunk items that sort
 * between the turn and the next one, so one range Query reads turns with their chunks in order.
 */
import { createHash } from 'node:crypto';
import type { ModelUsage, Session } from '../../../protocol';
import { readStoredTurn } from '../legacy-messages';
import type { StoredTurn } from '../types';

/** Well under DynamoDB's 400 KB item limit, leaving room for keys and attribute names. */
export const CHUNK_BYTES = 300 * 1024;
export const SESSION_SK = 'SESSION';

export function actorKey(actorId: string): string {
  return `A#${createHash('sha256').update(actorId, 'utf8').digest('base64url')}`;
}

export function sessionKey(actorId: string, sessionId: string): string {
  return `${actorKey(actorId)}#S#${sessionId}`;
}

export const turnSk = (index: number): string => `T#${String(index).padStart(10, '0')}`;
export const chunkSk = (index: number, chunk: number): string =>
  `${turnSk(index)}#C#${String(chunk).padStart(5, '0')}`;
/** The last sort key that belongs to turn `index` (its chunks included). */
export const turnSkEnd = (index: number): string => `${turnSk(index)}#~`;

export const listingKey = (updatedAt: string, sessionId: string): string => `${updatedAt}#${sessionId}`;

export interface SessionItem {
  pk: string;
  sk: typeof SESSION_SK;
  gpk: string;
  gsk: string;
  sessionId: string;
  title: string;
  /** Lower-cased title and turn text: what `listSessions` `query` filters on. */
  titleLc: string;
  said: string;
  createdAt: string;
  updatedAt: string;
  turnCount: number;
  taskId?: string;
  /** The session's usage totals (usage-totals.ts), once a turn had usage. */
  usage?: ModelUsage;
  ttl: number;
}

/** The item of `session`, listed under its actor by `updatedAt`. */
export function sessionItem(actorId: string, session: Session, said: string, ttl: number): SessionItem {
  return {
    pk: sessionKey(actorId, session.sessionId),
    sk: SESSION_SK,
    gpk: actorKey(actorId),
    gsk: listingKey(session.updatedAt, session.sessionId),
    sessionId: session.sessionId,
    title: session.title,
    titleLc: session.title.toLowerCase(),
    said,
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
    turnCount: session.turnCount,
    ...(session.taskId !== undefined ? { taskId: session.taskId } : {}),
    ...(session.usage ? { usage: session.usage } : {}),
    ttl,
  };
}

/** The `ttl` of an item written now: `retentionDays` from now, in epoch seconds. */
export function expiresAt(retentionDays: number): number {
  return Math.floor(Date.now() / 1000) + Math.round(retentionDays * 86_400);
}

export function toSession(item: Partial<SessionItem>): Session {
  return {
    sessionId: String(item.sessionId),
    title: String(item.title),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    turnCount: Number(item.turnCount),
    ...(item.taskId !== undefined ? { taskId: item.taskId } : {}),
    ...(item.usage && typeof item.usage === 'object' ? { usage: item.usage } : {}),
  };
}

interface TurnItem {
  pk: string;
  sk: string;
  /** The turn's JSON (inline) or one slice of it (a chunk). */
  d?: Uint8Array;
  /** On a turn item whose JSON lives in this many chunk items. */
  chunks?: number;
  ttl: number;
}

/** The items that store `turn` at `index`: the turn item last, so it never points at missing chunks. */
export function turnItems(pk: string, index: number, turn: StoredTurn, ttl: number): TurnItem[] {
  const bytes = Buffer.from(JSON.stringify(turn), 'utf8');
  if (bytes.length <= CHUNK_BYTES) return [{ pk, sk: turnSk(index), d: bytes, ttl }];
  const items: TurnItem[] = [];
  for (let offset = 0, n = 0; offset < bytes.length; offset += CHUNK_BYTES, n++)
    items.push({ pk, sk: chunkSk(index, n), d: bytes.subarray(offset, offset + CHUNK_BYTES), ttl });
  items.push({ pk, sk: turnSk(index), chunks: items.length, ttl });
  return items;
}

/**
 * Turns from the items of a range Query, in order (a turn item sorts just before its chunks).
 * Chunks are joined as bytes (a split may fall inside a multi-byte character); a turn whose chunks
 * are incomplete, or a slot claimed by a writer that crashed before storing it, is skipped.
 */
export function readTurns(items: Array<Record<string, unknown>>): StoredTurn[] {
  const turns: StoredTurn[] = [];
  let head: { chunks: number; parts: Uint8Array[] } | undefined;
  const finish = () => {
    if (head && head.parts.length === head.chunks) turns.push(parseTurn(Buffer.concat(head.parts)));
    head = undefined;
  };
  for (const item of items) {
    const sk = String(item.sk);
    const d = item.d as Uint8Array | undefined;
    const chunk = sk.indexOf('#C#');
    if (chunk < 0) {
      finish();
      const chunks = typeof item.chunks === 'number' ? item.chunks : 0;
      if (chunks > 0) head = { chunks, parts: [] };
      else if (d) turns.push(parseTurn(d));
    } else if (head && d && Number(sk.slice(chunk + 3)) === head.parts.length) {
      head.parts.push(d);
    }
  }
  finish();
  return turns;
}

/** A turn as stored, its replay messages in the neutral form whatever version wrote them. */
function parseTurn(bytes: Uint8Array): StoredTurn {
  return readStoredTurn(JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredTurn);
}
