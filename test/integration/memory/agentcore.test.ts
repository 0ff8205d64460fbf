import { randomUUID } from 'node:crypto';
import { memoryActorId } from '../../../backend/src/core/memory/agentcore/event-log';
import { AgentCoreMemoryStore } from '../../../backend/src/core/memory/agentcore/store';
import { AgentCoreMemoryFake, FAKE_MEMORY_ID } from '../../fakes/agentcore-memory';
import { startDynalite, type Dynalite } from '../../support/dynalite';
import { runConformance } from './conformance';

let dynalite: Dynalite;
let fake: AgentCoreMemoryFake;
let fakeUrl: string;
before(async () => {
  dynalite = await startDynalite();
  fake = new AgentCoreMemoryFake();
  fakeUrl = await fake.start();
});
after(async () => {
  await fake?.stop();
  await dynalite?.close();
});

runConformance('agentcore', async () => {
  // A table per test for the session index; the events live in the one fake memory.
  const table = `index-${randomUUID()}`;
  const open = (endpoints = { dynamodb: dynalite.endpoint, agentCore: fakeUrl }) =>
    new AgentCoreMemoryStore({
      memoryId: FAKE_MEMORY_ID,
      table,
      region: dynalite.region,
      credentials: dynalite.credentials,
      dynamodbEndpoint: endpoints.dynamodb,
      agentCoreEndpoint: endpoints.agentCore,
    });
  return {
    store: open(),
    reopen: async () => open(),
    // Nothing listens on port 9 of loopback: every call fails to connect.
    broken: async () => open({ dynamodb: 'http://127.0.0.1:9', agentCore: 'http://127.0.0.1:9' }),
    // The session's events as the service keeps them.
    raw: async (actorId, sessionId) => JSON.stringify(fake.sessionEvents(memoryActorId(actorId), sessionId)),
    dispose: async () => {},
  };
});
