/** What the `dynamodb` store does to the table itself, seen at the wire (dynalite). */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { UnavailableError } from '../../../backend/src/core/errors';
import { DynamoMemoryStore } from '../../../backend/src/core/memory/dynamodb/store';
import { MEMORY_TABLE_SCHEMA } from '../../../backend/src/core/memory/dynamodb/table';
import { countingProxy, startDynalite, type Dynalite } from '../../support/dynalite';

describe('dynamodb memory store: the table', function () {
  this.timeout(60_000);
  let dynalite: Dynalite;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  /** The DynamoDB operations the store sent, in order (X-Amz-Target, e.g. "Query"). */
  const operations = () => proxy.ops;

  before(async () => {
    dynalite = await startDynalite();
    proxy = await countingProxy(dynalite.endpoint);
  });
  after(async () => {
    await proxy?.close();
    await dynalite?.close();
  });

  const raw = () =>
    new DynamoDBClient({
      endpoint: dynalite.endpoint,
      region: dynalite.region,
      credentials: dynalite.credentials,
    });
  const store = (
    table: string,
    options: { createTable?: boolean; retentionDays?: number; endpoint?: string } = {},
  ) =>
    new DynamoMemoryStore({
      table,
      endpoint: options.endpoint ?? dynalite.endpoint,
      region: dynalite.region,
      credentials: dynalite.credentials,
      retentionDays: options.retentionDays ?? 365,
      createTable: options.createTable ?? true,
      maxAttempts: 1,
    });

  it('creates a missing table with the shared key schema on a local endpoint', async () => {
    const table = `t-${randomUUID()}`;
    await store(table).listSessions('alice', { limit: 1 });
    const { Table } = await raw().send(new DescribeTableCommand({ TableName: table }));
    const s = MEMORY_TABLE_SCHEMA;
    assert.deepEqual(Table!.KeySchema, [
      { AttributeName: s.partitionKey, KeyType: 'HASH' },
      { AttributeName: s.sortKey, KeyType: 'RANGE' },
    ]);
    const gsi = Table!.GlobalSecondaryIndexes!.find((i) => i.IndexName === s.sessionsIndex.name)!;
    assert.deepEqual(gsi.KeySchema, [
      { AttributeName: s.sessionsIndex.partitionKey, KeyType: 'HASH' },
      { AttributeName: s.sessionsIndex.sortKey, KeyType: 'RANGE' },
    ]);
  });

  it('never creates a table unless told to, and reports the missing table as UnavailableError', async () => {
    const table = `t-${randomUUID()}`;
    await assert.rejects(
      store(table, { createTable: false }).listSessions('alice', { limit: 1 }),
      UnavailableError,
    );
    await assert.rejects(
      raw().send(new DescribeTableCommand({ TableName: table })),
      /ResourceNotFound|not found/i,
    );
  });

  it('lists the first page with one Query on the index, never a Scan, however many sessions exist', async () => {
    const table = `t-${randomUUID()}`;
    const s = store(table, { endpoint: proxy.url });
    for (let i = 0; i < 60; i++)
      await s.createSession('alice', {
        sessionId: `s${i}`,
        title: `t${i}`,
        createdAt: new Date(i * 1000).toISOString(),
      });
    operations().length = 0;
    const page = await s.listSessions('alice', { limit: 20 });
    assert.equal(page.items.length, 20);
    assert.deepEqual(operations(), ['Query']);
    operations().length = 0;
    await s.listSessions('alice', { limit: 20, cursor: page.nextCursor! });
    assert.deepEqual(operations(), ['Query']);
    operations().length = 0;
    await s.listSessions('alice', { limit: 20, query: 't5' });
    assert.ok(!operations().includes('Scan'));
  });

  it('stamps every item with a ttl from the retention setting and keys nothing by the raw actor id', async () => {
    const table = `t-${randomUUID()}`;
    const s = store(table, { retentionDays: 30 });
    await s.createSession('alice@example.com', {
      sessionId: 's1',
      title: 't',
      createdAt: new Date().toISOString(),
    });
    await s.appendTurn('alice@example.com', 's1', {
      role: 'user',
      text: 'x'.repeat(10),
      createdAt: new Date().toISOString(),
      status: 'complete',
      messages: [{ role: 'user', content: [{ type: 'text', text: randomUUID().repeat(20_000) }] }], // ~720 KB: chunks
    });
    const { Items } = await raw().send(new ScanCommand({ TableName: table }));
    assert.ok(Items!.length >= 4, 'a session item, a turn item and its chunks');
    const now = Date.now() / 1000;
    for (const item of Items!) {
      const ttl = Number(item[MEMORY_TABLE_SCHEMA.ttlAttribute]?.N);
      assert.ok(Math.abs(ttl - (now + 30 * 86_400)) < 120, `ttl on ${item.sk?.S}`);
      assert.ok(!JSON.stringify([item.pk, item.gpk]).includes('alice'), 'keys hold a hash of the actor');
    }
    const [block] = (await s.recentTurns('alice@example.com', 's1', 1))[0]!.messages![0]!.content;
    assert.equal(block?.type === 'text' ? block.text.length : -1, 720_000);
  });
});
