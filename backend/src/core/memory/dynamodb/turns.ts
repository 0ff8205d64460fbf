/** A session's turn items (items.ts): read as one range, written chunks first. */
import type { StoredTurn } from '../types';
import { send, type Dynamo } from './client';
import { readTurns, turnItems, turnSk, turnSkEnd } from './items';
import { allPages, rangePages } from './range';

/** Turns `from`..`to` (inclusive) of partition `pk`, with their chunks, in order. */
export async function readTurnRange(
  d: Dynamo,
  table: string,
  pk: string,
  from: number,
  to: number,
): Promise<StoredTurn[]> {
  return readTurns(await allPages(rangePages(d, table, pk, turnSk(from), turnSkEnd(to))));
}

/** Stores `turn` at `index`; the turn item, which points at its chunks, last. */
export async function putTurn(
  d: Dynamo,
  table: string,
  pk: string,
  index: number,
  turn: StoredTurn,
  ttl: number,
): Promise<void> {
  const items = turnItems(pk, index, turn, ttl);
  await Promise.all(
    items.slice(0, -1).map((Item) => send(d, new d.sdk.PutCommand({ TableName: table, Item }))),
  );
  await send(d, new d.sdk.PutCommand({ TableName: table, Item: items.at(-1) }));
}
