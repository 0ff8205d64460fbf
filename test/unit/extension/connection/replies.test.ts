import assert from 'node:assert/strict';
import { HttpConnection } from '../../../../extension/connection/http-connection';
import { ConnectionError } from '../../../../extension/connection/types';

/** An HTTP connection whose backend answers every request with `body`. */
const answering = (body: unknown) =>
  new HttpConnection({
    url: 'http://127.0.0.1:9/invocations',
    fetch: async () =>
      new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }),
  });

describe('replies are parsed with their schemas', () => {
  it('types a reply that fits and drops fields it does not know', async () => {
    const reply = await answering({
      sessions: [
        {
          sessionId: 's1',
          title: 'Open ports',
          createdAt: '2026-12-07T10:00:00Z',
          updatedAt: '2026-12-07T10:01:00Z',
          turnCount: 2,
          fromTheFuture: true,
        },
      ],
      nextCursor: 'c2',
      alsoNew: 1,
    }).invoke({ action: 'listSessions' });
    assert.deepEqual(reply, {
      sessions: [
        {
          sessionId: 's1',
          title: 'Open ports',
          createdAt: '2026-12-07T10:00:00Z',
          updatedAt: '2026-12-07T10:01:00Z',
          turnCount: 2,
        },
      ],
      nextCursor: 'c2',
    });
  });

  it('refuses a reply of the wrong shape with an error that names the action and the field, not the content', async () => {
    const secret = 'AKIAIOSFODNN7EXAMPLE';
    await assert.rejects(
      answering({ sessions: [{ sessionId: secret, title: 7 }] }).invoke({ action: 'listSessions' }),
      (error: unknown) => {
        assert.ok(error instanceof ConnectionError);
        assert.equal(error.kind, 'internal');
        assert.match(error.message, /reply to listSessions does not match the contract at sessions\.0\./);
        assert.ok(!error.message.includes(secret));
        return true;
      },
    );
    await assert.rejects(answering(null).invoke({ action: 'whoami' }), /reply to whoami does not match/);
    await assert.rejects(
      answering({ deleted: 'yes' }).invoke({ action: 'deleteSession', sessionId: 's1' }),
      /reply to deleteSession/,
    );
  });
});
