/**
 * The AgentCore Memory fake keeps the service's rules, so a store that leans on something the
 * service does not promise fails in the tests first. Driven with the real SDK client.
 */
import assert from 'node:assert/strict';
import {
  BedrockAgentCoreClient,
  CreateEventCommand,
  ListEventsCommand,
  ListSessionsCommand,
} from '@aws-sdk/client-bedrock-agentcore';
import { AgentCoreMemoryFake, FAKE_MEMORY_ID } from '../../fakes/agentcore-memory';

describe('AgentCore Memory fake keeps the service’s rules', function () {
  let fake: AgentCoreMemoryFake;
  let client: BedrockAgentCoreClient;
  before(async () => {
    fake = new AgentCoreMemoryFake();
    client = new BedrockAgentCoreClient({
      region: 'us-east-1',
      endpoint: await fake.start(),
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });
  after(async () => {
    client.destroy();
    await fake.stop();
  });

  const event = (over: Record<string, unknown> = {}) =>
    new CreateEventCommand({
      memoryId: FAKE_MEMORY_ID,
      actorId: 'u1',
      sessionId: 's1',
      eventTimestamp: new Date('2026-11-01T00:00:00.750Z'),
      payload: [{ conversational: { role: 'USER', content: { text: 'hi' } } }],
      ...over,
    } as never);

  it('answers newest first, in whole seconds, with keyset pages of 1..100', async () => {
    for (let i = 0; i < 5; i++)
      await client.send(
        event({
          eventTimestamp: new Date(Date.parse('2026-11-01T00:00:00Z') + i * 1000 + 999),
          sessionId: 'order',
        }),
      );
    const first = await client.send(
      new ListEventsCommand({ memoryId: FAKE_MEMORY_ID, actorId: 'u1', sessionId: 'order', maxResults: 2 }),
    );
    const rest = await client.send(
      new ListEventsCommand({
        memoryId: FAKE_MEMORY_ID,
        actorId: 'u1',
        sessionId: 'order',
        maxResults: 100,
        nextToken: first.nextToken!,
      }),
    );
    const times = [...first.events!, ...rest.events!].map((e) => e.eventTimestamp!.getTime());
    assert.deepEqual(
      times,
      [4, 3, 2, 1, 0].map((i) => Date.parse('2026-11-01T00:00:00Z') + i * 1000),
    );
    for (const maxResults of [0, 101])
      await assert.rejects(
        client.send(
          new ListEventsCommand({ memoryId: FAKE_MEMORY_ID, actorId: 'u1', sessionId: 'order', maxResults }),
        ),
        { name: 'ValidationException' },
      );
  });

  it('ignores a repeated clientToken and returns the first event', async () => {
    const a = await client.send(event({ clientToken: 'token-0123456789-0123456789-0123456789' }));
    const b = await client.send(
      event({
        clientToken: 'token-0123456789-0123456789-0123456789',
        payload: [{ conversational: { role: 'USER', content: { text: 'changed' } } }],
      }),
    );
    assert.equal(a.event!.eventId, b.event!.eventId);
    assert.deepEqual(b.event!.payload, a.event!.payload);
  });

  it('validates ids, metadata and text as the service does', async () => {
    const bad: Record<string, unknown>[] = [
      { actorId: 'has space' },
      { actorId: '/leading-slash' },
      { sessionId: 'has#hash' },
      { sessionId: 'x'.repeat(101) },
      { metadata: { k: { stringValue: 'not#allowed' } } },
      { metadata: { k: { stringValue: 'x'.repeat(257) } } },
      { metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, { stringValue: 'v' }])) },
      { payload: [{ conversational: { role: 'USER', content: { text: 'x'.repeat(9001) } } }] },
      { payload: [{ conversational: { role: 'ROBOT', content: { text: 'x' } } }] },
      { payload: [] },
      { payload: [{ blob: 'x'.repeat(200_000) }] },
    ];
    for (const over of bad)
      await assert.rejects(
        client.send(event(over)),
        { name: 'ValidationException' },
        JSON.stringify(over).slice(0, 80),
      );
    await assert.rejects(client.send(event({ memoryId: 'unknownMemory-AbCdEf1234' })), {
      name: 'ResourceNotFoundException',
    });
  });

  it('lists sessions with only an id, the actor and a time', async () => {
    await client.send(event({ actorId: 'lister', sessionId: 'one' }));
    await client.send(event({ actorId: 'lister', sessionId: 'two' }));
    const out = await client.send(
      new ListSessionsCommand({ memoryId: FAKE_MEMORY_ID, actorId: 'lister', maxResults: 10 }),
    );
    assert.deepEqual(
      new Set(out.sessionSummaries!.map((s) => Object.keys(s).sort().join())),
      new Set(['actorId,createdAt,sessionId']),
    );
    assert.deepEqual(out.sessionSummaries!.map((s) => s.sessionId).sort(), ['one', 'two']);
  });
});
