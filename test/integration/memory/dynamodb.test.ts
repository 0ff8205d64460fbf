import { randomUUID } from 'node:crypto';
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
    dispose: async () => {},
  };
});
