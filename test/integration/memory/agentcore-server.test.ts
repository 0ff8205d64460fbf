/**
 * The built server with MEMORY_STORE=agentcore: the Memory client finds the fake through the SDK's
 * own AWS_ENDPOINT_URL_BEDROCK_AGENTCORE (nothing in the configuration shadows it), and the session
 * index lives in dynalite.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { textTurn } from '../../fakes/bedrock';
import { AgentCoreMemoryFake, FAKE_MEMORY_ID } from '../../fakes/agentcore-memory';
import { startDynalite, type Dynalite } from '../../support/dynalite';
import { Child } from '../../support/process';
import { BackendStack } from '../../support/stack';

const SERVER = resolve(__dirname, '../../../backend/dist/server.js');

describe('server with MEMORY_STORE=agentcore', function () {
  this.timeout(60_000);
  let dynalite: Dynalite;
  let fake: AgentCoreMemoryFake;
  let stack: BackendStack;

  before(async () => {
    dynalite = await startDynalite();
    fake = new AgentCoreMemoryFake();
    const memoryUrl = await fake.start();
    stack = new BackendStack({
      auth: 'none',
      env: {
        MEMORY_STORE: 'agentcore',
        MEMORY_ID: FAKE_MEMORY_ID,
        MEMORY_TABLE: 'cloud-engineer-index',
        DYNAMODB_ENDPOINT: dynalite.endpoint,
        AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: memoryUrl,
      },
    });
    await stack.start();
  });
  after(async () => {
    await stack?.stop();
    await fake?.stop();
    await dynalite?.close();
  });

  it('keeps a conversation as Memory events and lists it from the index', async () => {
    stack.bedrock.enqueue(textTurn(['NAT gateways cost the most.']));
    const chat = await stack.chat({ message: 'What costs the most in my account?' });
    assert.equal(chat.status, 200);
    const started = chat.events.find((e) => e.type === 'session') as { sessionId: string } | undefined;
    assert.ok(started);
    const listed = await stack.invoke({ action: 'listSessions' });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.json.sessions.map((s: { sessionId: string }) => s.sessionId),
      [started.sessionId],
    );
    const found = await stack.invoke({ action: 'listSessions', query: 'nat gateways' });
    assert.equal(found.json.sessions.length, 1);
    const got = await stack.invoke({ action: 'getSession', sessionId: started.sessionId });
    assert.deepEqual(
      got.json.turns.map((t: { role: string }) => t.role),
      ['user', 'assistant'],
    );
    const events = fake.sessionEvents('local', started.sessionId);
    assert.ok(events.some((e) => JSON.stringify(e.payload).includes('What costs the most in my account?')));
  });

  it('refuses to start without MEMORY_ID or the index table, naming what is missing', async () => {
    for (const [env, missing] of [
      [{ MEMORY_TABLE: 'x' }, /MEMORY_ID is required/],
      [{ MEMORY_ID: FAKE_MEMORY_ID }, /MEMORY_TABLE/],
      [{ MEMORY_ID: 'not a memory id', MEMORY_TABLE: 'x' }, /MEMORY_ID/],
    ] as const) {
      const child = Child.start(process.execPath, [SERVER], {
        env: { PATH: process.env.PATH, PORT: '0', AUTH_MODE: 'none', MEMORY_STORE: 'agentcore', ...env },
      });
      assert.equal(await child.exited, 1);
      assert.match(child.output, missing);
    }
  });
});
