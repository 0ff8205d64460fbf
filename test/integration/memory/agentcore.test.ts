import { randomUUID } from 'node:crypto';
import { memoryActorId } from '../../../backend/src/core/memory/agentcore/event-log';
import { useMemoryServices } from '../../support/memory-services';
import { runConformance } from './conformance';

const services = useMemoryServices();

runConformance('agentcore', async () => {
  // A table per test for the session index; the events live in the one fake memory.
  const table = `index-${randomUUID()}`;
  return {
    store: services.agentCoreStore(table),
    reopen: async () => services.agentCoreStore(table),
    // Nothing listens on port 9 of loopback: every call fails to connect.
    broken: async () =>
      services.agentCoreStore(table, {
        dynamodbEndpoint: 'http://127.0.0.1:9',
        agentCoreEndpoint: 'http://127.0.0.1:9',
      }),
    // The session's events as the service keeps them.
    raw: async (actorId, sessionId) =>
      JSON.stringify(services.fake.sessionEvents(memoryActorId(actorId), sessionId)),
    dispose: async () => {},
  };
});
