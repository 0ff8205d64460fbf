/**
 * How the `agentcore` store writes a session as AgentCore Memory events and reads it back.
 *
 * Every change to a session is one record (`meta`, `turn`, `title`) stamped with a sequence
 * number the session index hands out, because the service gives events second-resolution timestamps
 * and no order to rely on within a second. A record is JSON carried in blob payloads; a record
 * larger than one event holds is split into parts, each its own event. Turns also carry their text
 * as conversational payloads so the service's long-term strategies can learn from them.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { readStoredTurn } from '../legacy-messages';
import type { StoredTurn } from '../types';

/** The service's limit on one conversational text (Content.text). */
export const MAX_CONVERSATIONAL_CHARS = 9000;
/**
 * How much record JSON one event carries, in UTF-8 bytes as it travels (escaped again inside the
 * request's JSON): well under the service's request size limit.
 */
export const DEFAULT_BLOB_BYTES = 64 * 1024;
/** Metadata values: at most 256 characters from this set (the service's pattern). */
export const METADATA_VALUE_PATTERN = /^[a-zA-Z0-9\s._:/=+@-]*$/;
export const METADATA_VALUE_MAX = 256;
export const METADATA_MAX_ENTRIES = 15;

export type SessionRecord =
  | { k: 'meta'; title: string; taskId?: string; createdAt: string }
  /** A turn, or (same index, later sequence number) the amended version that replaces it. */
  | { k: 'turn'; index: number; turn: StoredTurn }
  | { k: 'title'; title: string };

/** Where a record sits in its session: `gen` tells apart a session id that was deleted and reused. */
export interface RecordStamp {
  gen: string;
  seq: number;
}

/** The part of CreateEvent the store fills in per event (the rest is memory, actor and session). */
export interface EventDraft {
  clientToken: string;
  payload: (
    { conversational: { role: 'USER' | 'ASSISTANT'; content: { text: string } } } | { blob: BlobPart }
  )[];
  metadata: Record<string, { stringValue: string }>;
  /** Only turns feed long-term memory; bookkeeping events would teach it nothing. */
  skipExtraction: boolean;
}

const BlobPart = z.object({
  v: z.literal(1),
  gen: z.string(),
  seq: z.number().int().min(0),
  part: z.number().int().min(0),
  parts: z.number().int().min(1),
  d: z.string(),
});
export type BlobPart = z.infer<typeof BlobPart>;

/**
 * Escapes a string into the metadata value alphabet: `=` is the escape character and every UTF-8 byte
 * outside the plain set (letters, digits, space and `._:/+@-`) becomes `=XX`. Undefined when the
 * escaped value would pass the service's length limit (the blob carries the value anyway).
 */
export function encodeMetadataValue(value: string): string | undefined {
  let out = '';
  for (const char of value) {
    if (/^[a-zA-Z0-9 ._:/+@-]$/.test(char)) out += char;
    else
      for (const byte of Buffer.from(char, 'utf8'))
        out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out.length <= METADATA_VALUE_MAX ? out : undefined;
}

/** Splits a string into pieces of at most `size` UTF-16 units without cutting a surrogate pair. */
export function splitText(text: string, size: number): string[] {
  if (size < 2) throw new RangeError('chunk size must be at least 2');
  const pieces: string[] = [];
  for (let at = 0; at < text.length;) {
    let end = Math.min(at + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    pieces.push(text.slice(at, end));
    at = end;
  }
  return pieces;
}

/**
 * Splits a string into pieces whose JSON string form (escapes included) takes at most `maxBytes`
 * UTF-8 bytes, without cutting a surrogate pair: record JSON is mostly quotes and backslashes
 * when tool results are JSON, and each of those doubles once the piece is escaped again.
 */
export function splitForJson(text: string, maxBytes: number): string[] {
  if (maxBytes < 6) throw new RangeError('a piece must hold at least one escaped character');
  const pieces: string[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const width = pair ? 2 : 1;
    const cost = pair ? 4 : jsonBytes(c);
    if (size + cost > maxBytes) {
      pieces.push(text.slice(start, i));
      start = i;
      size = 0;
    }
    size += cost;
    i += width;
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}

/** UTF-8 bytes of one UTF-16 unit inside a JSON string, as JSON.stringify writes it. */
function jsonBytes(c: number): number {
  if (c === 0x22 || c === 0x5c) return 2;
  if (c < 0x20) return c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdfff) return 6; // a lone surrogate is written as \uXXXX
  return 3;
}

/** A fixed-width sequence number, so metadata values sort as the numbers do. */
export function padSeq(seq: number): string {
  return String(seq).padStart(12, '0');
}

/** The events of one record, in part order. Tokens are derived, so a retried write is a no-op. */
export function recordToEvents(
  scope: { actorId: string; sessionId: string },
  stamp: RecordStamp,
  record: SessionRecord,
  blobBytes: number = DEFAULT_BLOB_BYTES,
): EventDraft[] {
  const json = splitForJson(JSON.stringify(record), blobBytes);
  // Text a guardrail blocked is never offered to long-term extraction.
  const said =
    record.k === 'turn' && record.turn.text !== '' && record.turn.status !== 'blocked'
      ? splitText(record.turn.text, MAX_CONVERSATIONAL_CHARS)
      : [];
  const parts = Math.max(json.length, said.length, 1);
  const drafts: EventDraft[] = [];
  for (let part = 0; part < parts; part++) {
    const payload: EventDraft['payload'] = [];
    const text = said[part];
    if (text !== undefined && record.k === 'turn')
      payload.push({
        conversational: { role: record.turn.role === 'user' ? 'USER' : 'ASSISTANT', content: { text } },
      });
    payload.push({ blob: { v: 1, gen: stamp.gen, seq: stamp.seq, part, parts, d: json[part] ?? '' } });
    const metadata: Record<string, { stringValue: string }> = {
      kind: { stringValue: record.k },
      seq: { stringValue: padSeq(stamp.seq) },
      part: { stringValue: String(part) },
      parts: { stringValue: String(parts) },
      gen: { stringValue: stamp.gen },
    };
    if (record.k === 'turn') {
      metadata.turn = { stringValue: String(record.index) };
      metadata.role = { stringValue: record.turn.role };
      metadata.status = { stringValue: record.turn.status };
    }
    const task = record.k === 'meta' && record.taskId ? encodeMetadataValue(record.taskId) : undefined;
    if (task !== undefined) metadata.task = { stringValue: task };
    drafts.push({
      clientToken: eventToken(scope, stamp, part),
      payload,
      metadata,
      skipExtraction: said.length === 0,
    });
  }
  return drafts;
}

function eventToken(scope: { actorId: string; sessionId: string }, stamp: RecordStamp, part: number): string {
  return createHash('sha256')
    .update(JSON.stringify([scope.actorId, scope.sessionId, stamp.gen, stamp.seq, part]))
    .digest('hex')
    .slice(0, 48);
}

/** An event as ListEvents returns it, reduced to what reading needs. */
export interface ReadEvent {
  eventId?: string;
  eventTimestamp?: Date;
  payload?: unknown[];
}

/** The blob part of an event, or undefined for events this store did not write. */
export function blobOf(event: ReadEvent): BlobPart | undefined {
  for (const item of event.payload ?? []) {
    const blob = (item as { blob?: unknown }).blob;
    const parsed = BlobPart.safeParse(typeof blob === 'string' ? safeJson(blob) : blob);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Whole records of one generation, in sequence order, from events in any order. A record missing
 * a part (a write that never finished, so was never acknowledged) is left out; repeated parts count once.
 */
export function eventsToRecords(events: ReadEvent[], gen: string): (SessionRecord & { seq: number })[] {
  const bySeq = new Map<number, { parts: number; pieces: Map<number, string> }>();
  for (const event of events) {
    const blob = blobOf(event);
    if (!blob || blob.gen !== gen) continue;
    let entry = bySeq.get(blob.seq);
    if (!entry) bySeq.set(blob.seq, (entry = { parts: blob.parts, pieces: new Map() }));
    if (blob.parts === entry.parts && blob.part < blob.parts) entry.pieces.set(blob.part, blob.d);
  }
  const records: (SessionRecord & { seq: number })[] = [];
  for (const [seq, entry] of [...bySeq].sort(([a], [b]) => a - b)) {
    if (entry.pieces.size !== entry.parts) continue;
    const json = Array.from({ length: entry.parts }, (_, i) => entry.pieces.get(i)).join('');
    const record = safeJson(json) as SessionRecord | undefined;
    if (record && typeof record === 'object' && typeof record.k === 'string')
      records.push({ ...record, seq });
  }
  return records;
}

/**
 * Replays records (in sequence order) into turns keyed by their index: a later record of the same
 * index is its amended version; a turn whose write failed leaves a gap. Replay messages come out
 * neutral whatever version wrote them (legacy-messages.ts).
 */
export function replayTurns(records: SessionRecord[]): Map<number, StoredTurn> {
  const turns = new Map<number, StoredTurn>();
  for (const record of records)
    if (record.k === 'turn' && record.turn && typeof record.turn === 'object')
      turns.set(record.index, readStoredTurn(record.turn));
  return new Map([...turns].sort(([a], [b]) => a - b));
}
