/**
 * What the deployed memory stores run on, for one suite: dynalite and the AgentCore Memory fake,
 * started before it and stopped after it, and stores opened on them.
 */
import {
  AgentCoreMemoryStore,
  type AgentCoreMemoryOptions,
} from '../../backend/src/core/memory/agentcore/store';
import { DynamoMemoryStore, type DynamoStoreOptions } from '../../backend/src/core/memory/dynamodb/store';
import { AgentCoreMemoryFake, FAKE_MEMORY_ID } from '../fakes/agentcore-memory';
import { startDynalite, type Dynalite } from './dynalite';

export interface MemoryServices {
  readonly dynalite: Dynalite;
  readonly fake: AgentCoreMemoryFake;
  readonly fakeUrl: string;
  /** A `dynamodb` store on `table`, which it creates. */
  dynamoStore(table: string, options?: Partial<DynamoStoreOptions>): DynamoMemoryStore;
  /** An `agentcore` store whose session index is `table` (created) and whose events go to the fake. */
  agentCoreStore(table: string, options?: Partial<AgentCoreMemoryOptions>): AgentCoreMemoryStore;
}

/** Registers the hooks that start and stop both services; read the fields from a test or hook. */
export function useMemoryServices(): MemoryServices {
  let dynalite: Dynalite | undefined;
  let fake: AgentCoreMemoryFake | undefined;
  let fakeUrl = '';
  before(async () => {
    dynalite = await startDynalite();
    fake = new AgentCoreMemoryFake();
    fakeUrl = await fake.start();
  });
  after(async () => {
    await fake?.stop();
    await dynalite?.close();
  });
  const services: MemoryServices = {
    get dynalite() {
      if (!dynalite) throw new Error('dynalite is not started yet: use it in a test or a hook');
      return dynalite;
    },
    get fake() {
      if (!fake) throw new Error('the AgentCore Memory fake is not started yet: use it in a test or a hook');
      return fake;
    },
    get fakeUrl() {
      return fakeUrl;
    },
    dynamoStore: (table, options = {}) =>
      new DynamoMemoryStore({
        table,
        endpoint: services.dynalite.endpoint,
        region: services.dynalite.region,
        credentials: services.dynalite.credentials,
        retentionDays: 365,
        createTable: true,
        ...options,
      }),
    agentCoreStore: (table, options = {}) =>
      new AgentCoreMemoryStore({
        memoryId: FAKE_MEMORY_ID,
        table,
        region: services.dynalite.region,
        credentials: services.dynalite.credentials,
        dynamodbEndpoint: services.dynalite.endpoint,
        agentCoreEndpoint: fakeUrl,
        ...options,
      }),
  };
  return services;
}
