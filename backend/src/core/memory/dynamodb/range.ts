/**
 * A sort-key range of one partition: read page by page (consistent reads), or deleted 25 items per
 * batch, retrying what DynamoDB leaves unprocessed.
 */
import { UnavailableError } from '../../errors';
import { send, type Dynamo } from './client';

export type ItemKey = { pk: string; sk: string };

/** The items of partition `pk` with a sort key in [from, to], in order, one Query page at a time. */
export async function* rangePages<T = Record<string, unknown>>(
  d: Dynamo,
  table: string,
  pk: string,
  from: string,
  to: string,
  options: { keysOnly?: boolean } = {},
): AsyncGenerator<T[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await send<{ Items?: T[]; LastEvaluatedKey?: Record<string, unknown> }>(
      d,
      new d.sdk.QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':pk': pk, ':a': from, ':b': to },
        ...(options.keysOnly ? { ProjectionExpression: 'pk, sk' } : {}),
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    yield out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

/** Every item of a {@link rangePages} read, read to the end. */
export async function allPages<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...page);
  return items;
}

/** Deletes every item of partition `pk` with a sort key in [from, to]. */
export async function deleteRange(
  d: Dynamo,
  table: string,
  pk: string,
  from: string,
  to: string,
): Promise<void> {
  for await (const keys of rangePages<ItemKey>(d, table, pk, from, to, { keysOnly: true }))
    await deleteKeys(d, table, keys);
}

export async function deleteKeys(d: Dynamo, table: string, keys: ItemKey[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) await batchDelete(d, table, keys.slice(i, i + 25));
}

async function batchDelete(d: Dynamo, table: string, keys: ItemKey[]): Promise<void> {
  let requests: unknown[] = keys.map((k) => ({ DeleteRequest: { Key: { pk: k.pk, sk: k.sk } } }));
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
    if (attempt > 8)
      throw new UnavailableError('the conversation store kept deletes unprocessed; try again shortly');
    const out = await send<{ UnprocessedItems?: Record<string, unknown[]> }>(
      d,
      new d.sdk.BatchWriteCommand({ RequestItems: { [table]: requests as never } }),
    );
    requests = out.UnprocessedItems?.[table] ?? [];
  }
}
