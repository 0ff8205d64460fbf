import { randomUUID } from 'node:crypto';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { sessionKey } from '../../../backend/src/core/memory/dynamodb/items';
import { DynamoMemoryStore } from '../../../backend/src/core/memory/dynamodb/store';
import { startDynalite, type Dynalite } from '../../support/dynalite';
import { runConformance } from './conformance';

let dynalite: Dynalite;
before(async () => {
  dynalite = await startDynalite();
});
after(async () => dynalite?.close());

runConformance('dynamodb', async () => {
  // A table per test, created by the store itself as it does against a local endpoint.
  const table = `memory-${randomUUID()}`;
  const open = (endpoint = dynalite.endpoint, createTable = true) =>
    new DynamoMemoryStore({
      table,
      endpoint,
      region: dynalite.region,
      credentials: dynalite.credentials,
      retentionDays: 365,
      createTable,
    });
  return {
    store: open(),
    reopen: async () => open(),
    // Nothing listens on port 9 of loopback: every call fails to connect.
    broken: async () => open('http://127.0.0.1:9', false),
    // The session's partition as stored, turn bytes decoded.
    raw: async (actorId, sessionId) => {
      const client = new DynamoDBClient({
        endpoint: dynalite.endpoint,
        region: dynalite.region,
        credentials: dynalite.credentials,
      });
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: sessionKey(actorId, sessionId) } },
        }),
      );
      return Items.map((i) => (i.d?.B ? Buffer.from(i.d.B).toString('utf8') : JSON.stringify(i))).join('\n');
    },
    dispose: async () => {},
  };
});
