import assert from 'node:assert/strict';
import { textTurn } from '../fakes/bedrock';
import { resignToken, tamperSignature } from '../support/cognito';
import { useBackendStack } from '../support/stack';

describe('Cognito auth and per-user sessions (cognito-local)', function () {
  const stack = useBackendStack({ auth: 'cognito' });
  let alice: { AccessToken: string; IdToken: string };
  let bob: { AccessToken: string };
  let aliceSub = '';

  before(async () => {
    const [a, b] = await Promise.all([
      stack.cognito.createUser('alice@example.com'),
      stack.cognito.createUser('bob@example.com'),
    ]);
    alice = await stack.cognito.signIn(a);
    bob = await stack.cognito.signIn(b);
    aliceSub = JSON.parse(Buffer.from(alice.AccessToken.split('.')[1]!, 'base64url').toString()).sub;
  });

  it('identifies the caller by the verified token', async () => {
    const me = await stack.invoke({ action: 'whoami' }, alice.AccessToken);
    assert.equal(me.status, 200);
    assert.deepEqual(me.json, {
      actorId: aliceSub,
      // The token's username is the pool's generated id; the pool's verified e-mail names the person.
      username: 'alice@example.com',
      authMode: 'cognito',
      groups: [],
      canApprove: true,
    });
  });

  describe('token matrix: every bad token is a 401 with the contract body', () => {
    it('control: a token re-signed with its claims unchanged is accepted', async () => {
      const response = await stack.invoke(
        { action: 'whoami' },
        resignToken(alice.AccessToken, () => {}),
      );
      assert.equal(response.status, 200);
      assert.equal(response.json.actorId, aliceSub);
    });

    const cases: [string, () => Record<string, string>, RegExp][] = [
      ['missing', () => ({}), /missing bearer token/],
      ['malformed', () => ({ authorization: 'Bearer not-a-jwt' }), /token rejected: malformed/],
      [
        'not a bearer scheme',
        () => ({ authorization: `Basic ${alice.AccessToken}` }),
        /missing bearer token/,
      ],
      [
        'bad signature',
        () => ({ authorization: `Bearer ${tamperSignature(alice.AccessToken)}` }),
        /token rejected: bad signature/,
      ],
      [
        'expired',
        () => ({
          authorization: `Bearer ${resignToken(alice.AccessToken, (c) => ((c.exp = Math.floor(Date.now() / 1000) - 60), (c.iat = (c.exp as number) - 3600)))}`,
        }),
        /token rejected: expired, sign in again/,
      ],
      [
        'other issuer',
        () => ({
          authorization: `Bearer ${resignToken(alice.AccessToken, (c) => (c.iss = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other'))}`,
        }),
        /token rejected: issued by another user pool/,
      ],
      [
        'other client',
        () => ({
          authorization: `Bearer ${resignToken(alice.AccessToken, (c) => (c.client_id = stack.cognito.otherClientId))}`,
        }),
        /token rejected: issued to another app client/,
      ],
      [
        'id token instead of access token',
        () => ({ authorization: `Bearer ${alice.IdToken}` }),
        /token rejected: not an access token/,
      ],
    ];
    for (const [name, headers, reason] of cases) {
      it(name, async () => {
        const response = await stack.invoke({ action: 'listSessions' }, undefined, { headers: headers() });
        assert.equal(response.status, 401);
        assert.equal(response.json.error.code, 'unauthorized');
        assert.match(response.json.error.message, reason);
        assert.ok(!response.text.includes(alice.AccessToken.split('.')[2]!), 'the token never comes back');
      });
    }

    it('a token from another real app client of the pool is refused too', async () => {
      const other = await stack.cognito.signIn(
        { email: 'alice@example.com', password: 'Passw0rd!long' },
        stack.cognito.otherClientId,
      );
      const response = await stack.invoke({ action: 'whoami' }, other.AccessToken);
      assert.equal(response.status, 401);
    });
  });

  describe('two users', () => {
    let aliceSession = '';
    before(async () => {
      stack.bedrock.enqueue(textTurn(['hi alice']));
      const chat = await stack.chat({ message: 'alice private question' }, alice.AccessToken);
      aliceSession = (chat.events[0] as { sessionId: string }).sessionId;
    });

    it('each sees only their own sessions', async () => {
      const mine = await stack.invoke({ action: 'listSessions' }, alice.AccessToken);
      assert.deepEqual(
        mine.json.sessions.map((s: any) => s.sessionId),
        [aliceSession],
      );
      const theirs = await stack.invoke({ action: 'listSessions' }, bob.AccessToken);
      assert.deepEqual(theirs.json, { sessions: [] });
    });

    for (const [action, extra] of [
      ['getSession', {}],
      ['renameSession', { title: 'stolen' }],
      ['deleteSession', {}],
    ] as const) {
      it(`${action} of another user's session is 404, not 403`, async () => {
        const response = await stack.invoke({ action, sessionId: aliceSession, ...extra }, bob.AccessToken);
        assert.equal(response.status, 404);
        assert.deepEqual(response.json, {
          error: { code: 'not_found', message: `no session ${aliceSession}` },
        });
      });
    }

    it("resuming another user's session is 404 and never reaches the model", async () => {
      const response = await stack.invoke(
        { action: 'chat', sessionId: aliceSession, message: 'let me in' },
        bob.AccessToken,
      );
      assert.equal(response.status, 404);
      assert.equal(stack.bedrock.requests.length, 0);
      const still = await stack.invoke({ action: 'getSession', sessionId: aliceSession }, alice.AccessToken);
      assert.equal(still.json.session.title, 'alice private question');
      assert.equal(still.json.turns.length, 2);
    });

    it("newSession with another user's id creates the caller's own session and leaves theirs alone", async () => {
      stack.bedrock.enqueue(textTurn(['hi bob']));
      const chat = await stack.chat(
        { message: 'bob asks', sessionId: aliceSession, newSession: true },
        bob.AccessToken,
      );
      assert.equal(chat.status, 200);
      assert.deepEqual(chat.events[0], {
        type: 'session',
        sessionId: aliceSession,
        title: 'bob asks',
        created: true,
      });
      const hers = await stack.invoke({ action: 'getSession', sessionId: aliceSession }, alice.AccessToken);
      assert.equal(hers.json.session.title, 'alice private question');
      assert.deepEqual(
        hers.json.turns.map((t: any) => t.text),
        ['alice private question', 'hi alice'],
      );
      const his = await stack.invoke({ action: 'getSession', sessionId: aliceSession }, bob.AccessToken);
      assert.deepEqual(
        his.json.turns.map((t: any) => t.text),
        ['bob asks', 'hi bob'],
      );
      await stack.invoke({ action: 'deleteSession', sessionId: aliceSession }, bob.AccessToken);
    });
  });

  describe('session list, get, rename, delete with cursors', () => {
    const ids: string[] = [];
    let token = '';
    before(async () => {
      const carol = await stack.cognito.signIn(await stack.cognito.createUser('carol@example.com'));
      token = carol.AccessToken;
      for (let i = 0; i < 5; i++) {
        stack.bedrock.enqueue(textTurn([`answer ${i}`]));
        const chat = await stack.chat({ message: `question ${i}` }, token);
        ids.push((chat.events[0] as { sessionId: string }).sessionId);
        await new Promise((r) => setTimeout(r, 5)); // distinct updatedAt
      }
    });

    it('pages newest first without skipping or repeating', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await stack.invoke(
          { action: 'listSessions', limit: 2, ...(cursor ? { cursor } : {}) },
          token,
        );
        assert.equal(page.status, 200);
        seen.push(...page.json.sessions.map((s: any) => s.sessionId));
        cursor = page.json.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(seen, [...ids].reverse());
    });

    it('filters by title', async () => {
      const found = await stack.invoke({ action: 'listSessions', query: 'QUESTION 3' }, token);
      assert.deepEqual(
        found.json.sessions.map((s: any) => s.title),
        ['question 3'],
      );
    });

    it('pages the turns of a session oldest first', async () => {
      stack.bedrock.enqueue(textTurn(['more']));
      await stack.chat({ message: 'follow-up', sessionId: ids[0] }, token);
      const first = await stack.invoke({ action: 'getSession', sessionId: ids[0], limit: 3 }, token);
      assert.deepEqual(
        first.json.turns.map((t: any) => t.text),
        ['question 0', 'answer 0', 'follow-up'],
      );
      assert.equal(first.json.session.turnCount, 4);
      const rest = await stack.invoke(
        { action: 'getSession', sessionId: ids[0], limit: 3, cursor: first.json.nextCursor },
        token,
      );
      assert.deepEqual(
        rest.json.turns.map((t: any) => t.text),
        ['more'],
      );
      assert.equal(rest.json.nextCursor, undefined);
    });

    it('renames and deletes', async () => {
      const renamed = await stack.invoke(
        { action: 'renameSession', sessionId: ids[1], title: '  VPC review  ' },
        token,
      );
      assert.equal(renamed.status, 200);
      assert.equal(renamed.json.session.title, 'VPC review');
      const got = await stack.invoke({ action: 'getSession', sessionId: ids[1] }, token);
      assert.equal(got.json.session.title, 'VPC review');

      const deleted = await stack.invoke({ action: 'deleteSession', sessionId: ids[2] }, token);
      assert.deepEqual([deleted.status, deleted.json], [200, { deleted: true }]);
      const gone = await stack.invoke({ action: 'getSession', sessionId: ids[2] }, token);
      assert.equal(gone.status, 404);
      const again = await stack.invoke({ action: 'deleteSession', sessionId: ids[2] }, token);
      assert.equal(again.status, 404);
      const list = await stack.invoke({ action: 'listSessions' }, token);
      assert.ok(!list.json.sessions.some((s: any) => s.sessionId === ids[2]));
    });

    it('keeps every session and turn across a server restart', async () => {
      const before = await stack.invoke({ action: 'listSessions' }, token);
      assert.equal(await stack.stopServer(), 0, 'SIGTERM ends the server cleanly');
      await stack.startServer();
      const after = await stack.invoke({ action: 'listSessions' }, token);
      assert.deepEqual(after.json, before.json);
    });
  });
});
