/** Deleting a range of one partition's items, 25 per batch, retrying what DynamoDB leaves unprocessed. */
import { UnavailableError } from '../../errors';
import { send, type Dynamo } from './client';

/** Deletes every item of partition `pk` with a sort key in [from, to]. */
export async function deleteRange(
  d: Dynamo,
  table: string,
  pk: string,
  from: string,
  to: string,
): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await send<{
      Items?: Array<{ pk: string; sk: string }>;
      LastEvaluatedKey?: Record<string, unknown>;
    }>(
      d,
      new d.sdk.QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':pk': pk, ':a': from, ':b': to },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    await deleteKeys(d, table, out.Items ?? []);
    start = out.LastEvaluatedKey;
  } while (start);
}

export async function deleteKeys(
  d: Dynamo,
  table: string,
  keys: Array<{ pk: string; sk: string }>,
): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) await batchDelete(d, table, keys.slice(i, i + 25));
}

async function batchDelete(d: Dynamo, table: string, keys: Array<{ pk: string; sk: string }>): Promise<void> {
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
