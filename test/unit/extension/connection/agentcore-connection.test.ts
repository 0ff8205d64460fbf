import assert from 'node:assert/strict';
import {
  AgentCoreBearerConnection,
  invocationUrlFor,
  parseRuntimeArn,
  pinConversation,
  runtimeSessionId,
} from '../../../../extension/connection/agentcore-connection';

const ARN = 'arn:aws:bedrock-agentcore:eu-central-1:123456789012:runtime/cloud_engineer-AbC123';
const HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';

/** A fetch that records each request and answers a one-event chat stream or a JSON reply. */
function recordingFetch() {
  const calls: { url: string; headers: Record<string, string>; body: any }[] = [];
  const fetch = (async (url: URL | string, init: RequestInit) => {
    const body = JSON.parse(String(init.body));
    calls.push({ url: String(url), headers: init.headers as Record<string, string>, body });
    if (body.action === 'chat') {
      const sse = `data: ${JSON.stringify({ type: 'session', sessionId: body.sessionId, title: 't', created: true })}\n\ndata: {"type":"done","stopReason":"end_turn"}\n\n`;
      return new Response(sse, { headers: { 'content-type': 'text/event-stream' } });
    }
    if (body.action === 'getSession')
      return Response.json({
        session: { sessionId: body.sessionId, title: 't', createdAt: '', updatedAt: '', turnCount: 1 },
        turns: [],
      });
    return Response.json({ sessions: [] });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

async function drain(stream: AsyncIterable<unknown>) {
  for await (const _ of stream) void _;
}

describe('AgentCore connection: one conversation, one microVM', () => {
  it('derives a valid, distinct runtime session id from every valid conversation id', () => {
    for (const id of ['a', 'a-0', 'x'.repeat(100), '0b6c2a4e-1111-2222-3333-444455556666']) {
      const runtime = runtimeSessionId(id);
      assert.ok(runtime.length >= 33 && runtime.length <= 256, `${id} → ${runtime.length}`);
      assert.match(runtime, /^[A-Za-z0-9][A-Za-z0-9_-]*$/);
    }
    // Injective: a short id padded could otherwise collide with a longer one.
    assert.notEqual(runtimeSessionId('a'), runtimeSessionId('a-'));
    assert.notEqual(
      runtimeSessionId(undefined, () => 'x'),
      runtimeSessionId('x'),
    );
  });

  it('picks the conversation id up front for a new chat and keeps an existing one', () => {
    assert.deepEqual(
      pinConversation({ message: 'hi' }, () => 'chosen-id'),
      {
        message: 'hi',
        sessionId: 'chosen-id',
        newSession: true,
      },
    );
    assert.deepEqual(pinConversation({ message: 'again', sessionId: 's1' }), {
      message: 'again',
      sessionId: 's1',
    });
    assert.deepEqual(pinConversation({ taskId: 'cost-overview' }, () => 'task-run').newSession, true);
  });

  it('addresses the data plane, or the testing endpoint when one is set', () => {
    const runtime = parseRuntimeArn(ARN);
    assert.match(
      invocationUrlFor(runtime),
      /^https:\/\/bedrock-agentcore\.eu-central-1\.amazonaws\.com\/runtimes\//,
    );
    assert.equal(
      invocationUrlFor(runtime, 'http://127.0.0.1:9000/'),
      `http://127.0.0.1:9000/runtimes/${encodeURIComponent(ARN)}/invocations?qualifier=DEFAULT`,
    );
  });

  it('bearer: every turn, the first included, carries the conversation’s runtime session id', async () => {
    const { fetch, calls } = recordingFetch();
    let n = 0;
    const connection = new AgentCoreBearerConnection(parseRuntimeArn(ARN), async () => 'tok', {
      fetch,
      fresh: () => `id-${++n}`,
    });
    await drain(connection.chat({ message: 'first' }, new AbortController().signal));
    const sessionId = calls[0]!.body.sessionId as string;
    await drain(connection.chat({ message: 'second', sessionId }, new AbortController().signal));
    await connection.invoke({ action: 'getSession', sessionId });
    await connection.invoke({ action: 'listSessions' });
    await connection.invoke({ action: 'listSessions' });
    assert.equal(calls[0]!.body.newSession, true);
    assert.equal(calls[1]!.body.newSession, undefined);
    assert.deepEqual(
      calls.slice(0, 3).map((c) => c.headers[HEADER]),
      Array(3).fill(runtimeSessionId(sessionId)),
    );
    assert.equal(calls[3]!.headers[HEADER], calls[4]!.headers[HEADER], 'one control session per connection');
    assert.notEqual(calls[3]!.headers[HEADER], runtimeSessionId(sessionId));
    assert.ok(calls.every((c) => c.headers.authorization === 'Bearer tok'));
  });
});
