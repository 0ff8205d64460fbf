/**
 * One caller trying to exhaust the server over HTTP: racing past the per-user stream cap, and
 * growing one conversation without end.
 */
import assert from 'node:assert/strict';
import { readEventStream } from '../../backend/src/protocol';
import { textTurn } from '../fakes/bedrock';
import { eventually, useBackendStack } from '../support/stack';

describe('security: the per-user stream cap holds under a race', function () {
  this.timeout(60_000);
  const stack = useBackendStack({ auth: 'none' }); // MAX_STREAMS_PER_ACTOR: 4 by default
  const MAX = 4;

  it(`30 concurrent chats from one user: exactly ${MAX} stream, the rest get 429`, async () => {
    for (let i = 0; i < 30; i++)
      stack.bedrock.enqueue(textTurn(['slow ', 'answer ', 'here'], { gapMs: 400 }));
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => stack.openChat({ message: `race ${i}` })),
    );
    const statuses = responses.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, MAX, statuses.join(' '));
    assert.equal(statuses.filter((s) => s === 429).length, 30 - MAX, statuses.join(' '));
    for (const r of responses) {
      if (r.status === 200) for await (const _ of readEventStream(r.body!));
      else {
        assert.equal(r.headers.get('retry-after'), '5');
        assert.equal((await r.json()).error.code, 'throttled');
      }
    }
    const sessions = await stack.invoke({ action: 'listSessions' });
    assert.equal(sessions.json.sessions.length, MAX, 'refused chats stored nothing');
    stack.bedrock.reset();
    stack.bedrock.enqueue(textTurn(['free again']));
    assert.equal((await stack.chat({ message: 'after the race' })).status, 200, 'every slot came back');
  });

  it('gives slots back for chats that fail before streaming and for streams the client drops', async () => {
    for (let i = 0; i < 10; i++) {
      const refused = await stack.invoke({ action: 'chat', sessionId: 'no-such-session', message: 'x' });
      assert.equal(refused.status, 404);
    }
    stack.bedrock.fallback = textTurn(['held ', 'open'], { gapMs: 300 });
    try {
      for (let i = 0; i < MAX; i++) {
        const abort = new AbortController();
        const response = await stack.openChat({ message: `dropped ${i}` }, undefined, abort.signal);
        assert.equal(response.status, 200);
        abort.abort(); // never read
      }
      await eventually(async () => {
        stack.bedrock.enqueue(textTurn(['back']));
        const { status } = await stack.chat({ message: 'slots back?' });
        assert.equal(status, 200);
      }, 10_000);
    } finally {
      stack.bedrock.fallback = textTurn(['(no scripted turn)']);
    }
  });
});

describe('security: one conversation cannot grow without bound', function () {
  const stack = useBackendStack({ auth: 'none', env: { MAX_SESSION_TURNS: '6' } });

  it('refuses a chat past the turn limit with 413 and a hint to start a new chat', async () => {
    stack.bedrock.enqueue(textTurn(['one']), textTurn(['two']), textTurn(['three']));
    const first = await stack.chat({ message: 'turn 1' });
    const sessionId = (first.events[0] as { sessionId: string }).sessionId;
    await stack.chat({ message: 'turn 2', sessionId });
    await stack.chat({ message: 'turn 3', sessionId });
    const full = await stack.invoke({ action: 'chat', message: 'turn 4', sessionId });
    assert.equal(full.status, 413);
    assert.equal(full.json.error.code, 'payload_too_large');
    assert.match(full.json.error.message, /limit of 6 turns; start a new chat/);
    assert.equal(stack.bedrock.requests.length, 3, 'the model is not called');
    const got = await stack.invoke({ action: 'getSession', sessionId });
    assert.equal(got.json.session.turnCount, 6, 'nothing was stored for the refused chat');
    stack.bedrock.enqueue(textTurn(['fresh']));
    assert.equal((await stack.chat({ message: 'a new chat' })).status, 200);
  });
});
