/**
 * A session's summary in the conversation table (the `dynamodb` store and the `agentcore` store's
 * session index), in the session's own partition:
 *
 * | item          | sk                          | holds                                         |
 * | ------------- | --------------------------- | --------------------------------------------- |
 * | summary       | `SUMMARY`                   | `of`, `keepFrom`, `createdAt`, and `text` or `pg` + `parts` |
 * | summary chunk | `SUMMARY#<pg>#<n, 5 digits>` | `text`: one slice of a summary too big for one item |
 *
 * Text is kept as a string attribute (at most 3 UTF-8 bytes per UTF-16 unit, no JSON escaping), so
 * a summary of ~100,000 characters fits one item; a larger one is split into chunks written before
 * the item that names them, under a fresh `pg`, and the previous chunks are deleted after. `of` is
 * the session's incarnation (its `createdAt`, or the agentcore `gen`): a summary a crash left behind
 * never attaches to a new session reusing the id. `SESSION` < `SUMMARY` < `SUMMARY#~` < `T#`, so one
 * range Query reads the session item with its summary.
 */
import { randomBytes } from 'node:crypto';
import type { SessionSummary } from '../../../protocol';
import { splitText } from '../agentcore/encoding';
import { send, type Dynamo } from './client';
import { allPages, deleteKeys, deleteRange, rangePages, type ItemKey } from './range';
import { SESSION_SK } from './items';

export const SUMMARY_SK = 'SUMMARY';
const CHUNK_PREFIX = `${SUMMARY_SK}#`;
const RANGE_END = `${SUMMARY_SK}#~`;
/** UTF-16 units per item: 3 bytes each at most, well under the 400 KB item limit with the keys. */
export const SUMMARY_CHUNK_CHARS = 100_000;

interface SummaryHead {
  pk: string;
  sk: typeof SUMMARY_SK;
  of: string;
  keepFrom: number;
  createdAt: string;
  text?: string;
  pg?: string;
  parts?: number;
  ttl: number;
}

/** The session item and its summary (for incarnation `tagOf(session)`), in one range Query. */
export async function readSessionWithSummary<T extends object>(
  d: Dynamo,
  table: string,
  pk: string,
  tagOf: (session: T) => string,
): Promise<{ session?: T; summary?: SessionSummary }> {
  const items = await allPages(rangePages(d, table, pk, SESSION_SK, RANGE_END));
  const session = items.find((i) => i.sk === SESSION_SK) as unknown as T | undefined;
  if (!session) return {};
  const head = items.find((i) => i.sk === SUMMARY_SK) as Partial<SummaryHead> | undefined;
  const summary = head && head.of === tagOf(session) ? assemble(head, items) : undefined;
  return summary ? { session, summary } : { session };
}

/** Replaces the summary of partition `pk` (incarnation `of`); the caller checked the session exists. */
export async function writeSummary(
  d: Dynamo,
  table: string,
  pk: string,
  of: string,
  summary: SessionSummary,
  ttl: number,
): Promise<void> {
  const pieces =
    summary.text.length > SUMMARY_CHUNK_CHARS ? splitText(summary.text, SUMMARY_CHUNK_CHARS) : [];
  const pg = pieces.length > 0 ? randomBytes(6).toString('hex') : undefined;
  await Promise.all(
    pieces.map((text, n) =>
      send(d, new d.sdk.PutCommand({ TableName: table, Item: { pk, sk: chunkSk(pg!, n), text, ttl } })),
    ),
  );
  const head: SummaryHead = {
    pk,
    sk: SUMMARY_SK,
    of,
    keepFrom: summary.keepFrom,
    createdAt: summary.createdAt,
    ...(pg ? { pg, parts: pieces.length } : { text: summary.text }),
    ttl,
  };
  await send(d, new d.sdk.PutCommand({ TableName: table, Item: head }));
  // Chunks of earlier summaries are garbage now (a reader that still holds their head retries).
  const old = await allPages(rangePages<ItemKey>(d, table, pk, CHUNK_PREFIX, RANGE_END, { keysOnly: true }));
  await deleteKeys(
    d,
    table,
    old.filter((k) => !pg || !k.sk.startsWith(`${CHUNK_PREFIX}${pg}#`)),
  );
}

/** Removes the summary of partition `pk` and all of its chunks. */
export async function deleteSummary(d: Dynamo, table: string, pk: string): Promise<void> {
  await deleteRange(d, table, pk, SUMMARY_SK, RANGE_END);
}

function assemble(
  head: Partial<SummaryHead>,
  items: Array<Record<string, unknown>>,
): SessionSummary | undefined {
  if (typeof head.keepFrom !== 'number' || typeof head.createdAt !== 'string') return undefined;
  let text: string | undefined;
  if (typeof head.text === 'string') text = head.text;
  else if (typeof head.pg === 'string' && typeof head.parts === 'number') {
    const pieces: string[] = [];
    for (let n = 0; n < head.parts; n++) {
      const chunk = items.find((i) => i.sk === chunkSk(head.pg!, n));
      if (typeof chunk?.text !== 'string') return undefined; // replaced while this read ran
      pieces.push(chunk.text);
    }
    text = pieces.join('');
  }
  return text === undefined ? undefined : { text, keepFrom: head.keepFrom, createdAt: head.createdAt };
}

const chunkSk = (pg: string, n: number): string => `${CHUNK_PREFIX}${pg}#${String(n).padStart(5, '0')}`;
