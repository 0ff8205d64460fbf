/**
 * The per-actor daily token counters in the conversation table: one item per actor and UTC day,
 * `pk` = `<actor key>#D#<day>`, `sk` = `TOKENS`, added to with `ADD` (atomic across processes) and
 * given a `ttl` a few days after its day so it expires on its own. Never in the sessions index (no
 * `gpk`), and keyed by the hashed actor like every other item, so counters of actors never mix.
 */
import { counterExpiry } from '../token-counter';
import { send, type Dynamo } from './client';
import { actorKey } from './items';
import { MEMORY_TABLE_SCHEMA } from './table';

const COUNTER_SK = 'TOKENS';
const counterKey = (actorId: string, day: string) => ({
  pk: `${actorKey(actorId)}#D#${day}`,
  sk: COUNTER_SK,
});

/** `dayStart` is the day's start in epoch ms (token-counter.ts `checkDay`). */
export async function addCounter(
  d: Dynamo,
  table: string,
  actorId: string,
  day: string,
  dayStart: number,
  tokens: number,
): Promise<number> {
  const out = await send<{ Attributes?: { tokens?: unknown } }>(
    d,
    new d.sdk.UpdateCommand({
      TableName: table,
      Key: counterKey(actorId, day),
      UpdateExpression: 'ADD #tokens :n SET #ttl = :ttl',
      ExpressionAttributeNames: { '#tokens': 'tokens', '#ttl': MEMORY_TABLE_SCHEMA.ttlAttribute },
      ExpressionAttributeValues: { ':n': tokens, ':ttl': counterExpiry(dayStart) },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(out.Attributes?.tokens ?? 0);
}

export async function readCounter(d: Dynamo, table: string, actorId: string, day: string): Promise<number> {
  const out = await send<{ Item?: { tokens?: unknown } }>(
    d,
    new d.sdk.GetCommand({ TableName: table, Key: counterKey(actorId, day), ConsistentRead: true }),
  );
  const tokens = Number(out.Item?.tokens ?? 0);
  return Number.isFinite(tokens) ? tokens : 0;
}
