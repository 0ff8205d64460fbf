import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passwordSignIn, refreshTokens } from '../../extension/auth/cognito';
import { ChatController } from '../../extension/chat/chat-controller';
import { openApprovals } from '../../shared/conversation-state';
import { HttpConnection } from '../../extension/connection/http-connection';
import { LocalConnection } from '../../extension/connection/local-connection';
import { ConnectionError } from '../../extension/connection/types';
import { BedrockFake, textTurn, toolTurn } from '../fakes/bedrock';
import { collect, stopAtFirstText } from '../support/connection';
import { freePort } from '../support/process';
import { useBackendStack } from '../support/stack';

describe('the extension’s http connection against the local server', function () {
  const stack = useBackendStack({ auth: 'none' });

  it('streams a chat and answers the JSON actions', async () => {
    const connection = new HttpConnection({ url: stack.url });
    stack.bedrock.enqueue(textTurn(['Hello ', 'there.']));
    const events = await collect(connection.chat({ message: 'hi' }, new AbortController().signal));
    assert.deepEqual(events.map((e) => e.type).at(-1), 'done');
    const sessionId = (events[0] as { sessionId: string }).sessionId;
    const { sessions } = await connection.invoke({ action: 'listSessions' });
    assert.equal(sessions[0]!.sessionId, sessionId);
    const { tasks } = await connection.invoke({ action: 'listTasks' });
    assert.ok(tasks.length >= 35);
  });

  it('turns contract errors into connection errors the UI can act on', async () => {
    const connection = new HttpConnection({ url: stack.url });
    await assert.rejects(connection.invoke({ action: 'getSession', sessionId: 'nope' }), {
      name: 'ConnectionError',
      kind: 'not_found',
      status: 404,
      message: 'no session nope',
    });
    const closed = new HttpConnection({ url: `http://127.0.0.1:${await freePort()}` });
    await assert.rejects(
      closed.invoke({ action: 'listTasks' }),
      (e: ConnectionError) =>
        e.kind === 'unreachable' && e.retryable && /Cannot reach the backend/.test(e.message),
    );
  });

  it('cancels the request when aborted, and the server keeps the interrupted turn', async () => {
    await stopAtFirstText(new HttpConnection({ url: stack.url }), stack.bedrock);
  });

  it('resumes a turn waiting on a read-only and a mutating call with one approval card that works', async () => {
    const connection = new HttpConnection({ url: stack.url });
    stack.bedrock.enqueue(
      toolTurn([
        { id: 'tu-who', name: 'get_caller_identity', input: {} },
        {
          id: 'tu-plan',
          name: 'cloudformation_plan_change',
          input: { stackName: 'web', templateBody: 'Resources: {}' },
        },
      ]),
      textTurn(['Nothing was changed.']),
    );
    const first = await collect(
      connection.chat({ message: 'create the web stack' }, new AbortController().signal),
    );
    const sessionId = (first[0] as { sessionId: string }).sessionId;
    // A reload: the conversation comes back from the store, not from the stream.
    const { turns } = await connection.invoke({ action: 'getSession', sessionId });
    assert.deepEqual(
      turns.at(-1)!.toolCalls!.map((c) => [c.id, c.status, c.readOnly]),
      [
        ['tu-who', 'pending', true],
        ['tu-plan', 'pending', false],
      ],
    );
    const chat = new ChatController({ connection: () => connection, post: () => {} });
    await chat.resume(sessionId);
    assert.deepEqual(
      openApprovals(chat.snapshot).map((a) => a.id),
      ['tu-plan'],
      'only the mutating call asks for approval',
    );
    await chat.decide({ toolUseId: 'tu-plan', decision: 'deny' });
    assert.equal(chat.snapshot.error, undefined, JSON.stringify(chat.snapshot.error));
    assert.match(JSON.stringify(chat.snapshot.items.at(-1)), /Nothing was changed/);
  });
});

describe('the extension’s Cognito sign-in and http connection against cognito-local', function () {
  const stack = useBackendStack({ auth: 'cognito' });
  const options = () => ({
    userPoolId: stack.cognito.userPoolId,
    clientId: stack.cognito.clientId,
    endpoint: stack.cognito.url,
  });

  it('signs in with a password, calls the backend with the token, and refreshes it', async () => {
    await stack.cognito.createUser('dev@example.com', 'Sup3r-secret-pw');
    const tokens = await passwordSignIn(options(), 'dev@example.com', 'Sup3r-secret-pw');
    assert.equal(tokens.label, 'dev@example.com');
    assert.ok(tokens.refreshToken && tokens.expiresAt > Date.now());
    const connection = new HttpConnection({ url: stack.url, token: async () => tokens.accessToken });
    const me = await connection.invoke({ action: 'whoami' });
    assert.equal(me.actorId, tokens.sub);
    const refreshed = await refreshTokens(options(), tokens);
    assert.equal(refreshed.refreshToken, tokens.refreshToken, 'the refresh token is kept');
    assert.equal(
      (
        await new HttpConnection({ url: stack.url, token: async () => refreshed.accessToken }).invoke({
          action: 'whoami',
        })
      ).actorId,
      tokens.sub,
    );
  });

  it('says plainly when the backend wants a sign-in it does not have, or rejects one', async () => {
    await assert.rejects(new HttpConnection({ url: stack.url }).invoke({ action: 'listSessions' }), {
      kind: 'unauthorized',
      message: 'The backend asks for a sign-in: configure the Cognito user pool and sign in.',
    });
    await assert.rejects(
      new HttpConnection({ url: stack.url, token: async () => 'expired.or.bad' }).invoke({
        action: 'listSessions',
      }),
      {
        kind: 'unauthorized',
        message: /refused the sign-in .* Sign in again\./,
      },
    );
  });

  it('reports a wrong password as such', async () => {
    await assert.rejects(passwordSignIn(options(), 'dev@example.com', 'wrong-password'), {
      name: 'SignInError',
      message: 'Incorrect username or password.',
    });
  });

  it('tells a refused refresh token (sign out) from an unreachable Cognito (keep the sign-in)', async () => {
    await stack.cognito.createUser('refresh@example.com', 'Sup3r-secret-pw');
    const tokens = await passwordSignIn(options(), 'refresh@example.com', 'Sup3r-secret-pw');
    await assert.rejects(refreshTokens(options(), { ...tokens, refreshToken: 'not-a-refresh-token' }), {
      name: 'RefreshRejectedError',
    });
    const offline = { ...options(), endpoint: `http://127.0.0.1:${await freePort()}` };
    await assert.rejects(refreshTokens(offline, tokens), { name: 'CognitoUnreachableError' });
  });
});

describe('local mode: the agent core inside the extension', () => {
  const bedrock = new BedrockFake();
  before(() => bedrock.start());
  after(() => bedrock.stop());

  it('answers with the given credentials and keeps conversations in its storage folder', async () => {
    const storageDir = mkdtempSync(join(tmpdir(), 'ce-local-'));
    const make = () =>
      new LocalConnection({
        storageDir,
        region: 'eu-west-1',
        bedrockEndpoint: bedrock.url,
        credentials: async () => ({ accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' }),
      });
    bedrock.enqueue(textTurn(['Local ', 'answer.']));
    const events = await collect(
      make().chat({ message: 'hi from the editor' }, new AbortController().signal),
    );
    assert.deepEqual(
      events
        .filter((e) => e.type === 'text')
        .map((e) => (e as { text: string }).text)
        .join(''),
      'Local answer.',
    );
    // A new extension host (a reload) finds the conversation again.
    const { sessions } = await make().invoke({ action: 'listSessions' });
    assert.deepEqual(
      sessions.map((s) => [s.title, s.turnCount]),
      [['hi from the editor', 2]],
    );
    assert.equal((await make().invoke({ action: 'whoami' })).authMode, 'none');
  });

  it('maps the core’s errors to connection errors', async () => {
    const connection = new LocalConnection({
      storageDir: mkdtempSync(join(tmpdir(), 'ce-local-')),
      bedrockEndpoint: bedrock.url,
      credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
    });
    await assert.rejects(connection.invoke({ action: 'getSession', sessionId: 'missing' }), {
      kind: 'not_found',
    });
  });

  it('stops waiting when the caller aborts', async () => {
    const connection = new LocalConnection({
      storageDir: mkdtempSync(join(tmpdir(), 'ce-local-')),
      bedrockEndpoint: bedrock.url,
      credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
    });
    const abort = new AbortController();
    abort.abort(new DOMException('stopped', 'AbortError'));
    await assert.rejects(connection.invoke({ action: 'listSessions' }, abort.signal), { name: 'AbortError' });
  });

  it('checks for AWS credentials before the first question', async () => {
    const storageDir = mkdtempSync(join(tmpdir(), 'ce-local-'));
    const missing = new LocalConnection({
      storageDir,
      profile: 'nobody',
      credentials: async () => {
        throw Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' });
      },
    });
    const problem = await missing.preflight();
    assert.equal(problem?.code, 'aws_credentials');
    assert.match(problem!.message, /No AWS credentials found for profile "nobody"/);
    const present = new LocalConnection({
      storageDir,
      credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
    });
    assert.equal(await present.preflight(), undefined);
  });
});
