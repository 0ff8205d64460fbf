/**
 * The extension's AgentCore connections, end to end: the connection the settings build, a local
 * stand-in for the Runtime data plane (bearer and SigV4), and the built backend behind it.
 */
import assert from 'node:assert/strict';
import { testSettings } from '../fixtures/settings';
import { passwordSignIn } from '../../extension/auth/cognito';
import type { Settings } from '../../extension/common/settings';
import { runtimeSessionId } from '../../extension/connection/agentcore-connection';
import { createConnection } from '../../extension/connection/factory';
import type { AgentConnection } from '../../extension/connection/types';
import { AgentCoreRuntimeFake } from '../fakes/agentcore-runtime';
import { textTurn, toolTurn } from '../fakes/bedrock';
import { tamperSignature } from '../support/cognito';
import { collect, stopAtFirstText } from '../support/connection';
import { useEnv } from '../support/env';
import { useBackendStack } from '../support/stack';

const JWT_ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/cloud_engineer_jwt-AbC123';
const IAM_ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/cloud_engineer_iam-XyZ789';
const SESSION_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';

const settings = (over: Partial<Settings>): Settings => testSettings({ mode: 'agentcore', ...over });

describe('AgentCore Runtime paths: the extension, the data plane stand-in, the container host', function () {
  // The JWT runtime's container: the backend as the image runs it (all interfaces, Cognito).
  const container = useBackendStack({ auth: 'cognito', env: { HOST: '0.0.0.0', CONTAINER: 'true' } });
  // An IAM (SigV4) runtime forwards no user token: its backend runs without sign-in, on loopback.
  const iamContainer = useBackendStack({ auth: 'none' });
  const runtime = new AgentCoreRuntimeFake({
    [JWT_ARN]: { authorizer: 'jwt', target: () => container.url },
    [IAM_ARN]: { authorizer: 'iam', target: () => iamContainer.url },
  });
  before(() => runtime.start());
  // SigV4 signs with the default credential chain, which reads these first.
  useEnv({
    AWS_ACCESS_KEY_ID: 'AKIDAGENTCORETEST',
    AWS_SECRET_ACCESS_KEY: 'agentcore-test-secret',
    AWS_PROFILE: undefined,
  });
  after(() => runtime.stop());
  beforeEach(() => runtime.reset());

  let tokens: Promise<{ accessToken: string; sub: string }> | undefined;
  const signedIn = () =>
    (tokens ??= container.cognito.createUser('agentcore@example.com', 'Sup3r-secret-pw!').then(() =>
      passwordSignIn(
        {
          userPoolId: container.cognito.userPoolId,
          clientId: container.cognito.clientId,
          endpoint: container.cognito.url,
        },
        'agentcore@example.com',
        'Sup3r-secret-pw!',
      ),
    ));

  async function bearer(): Promise<AgentConnection> {
    const { accessToken } = await signedIn();
    return createConnection(
      settings({
        runtimeArn: JWT_ARN,
        userPoolId: container.cognito.userPoolId,
        clientId: container.cognito.clientId,
        agentcoreEndpoint: runtime.url,
      }),
      { storageDir: '/nonexistent', token: async () => accessToken },
    );
  }
  const sigv4 = (): AgentConnection =>
    createConnection(settings({ runtimeArn: IAM_ARN, agentcoreEndpoint: runtime.url }), {
      storageDir: '/nonexistent',
      token: async () => undefined,
    });

  /** A conversation of two turns and a tool call waiting for approval, then resumed and listed. */
  async function conversation(connection: AgentConnection, stack: typeof container) {
    stack.bedrock.enqueue(textTurn(['First ', 'answer ', 'streams.']));
    const first = await collect(connection.chat({ message: 'hello runtime' }, new AbortController().signal));
    assert.equal(first[0]!.type, 'session');
    const { sessionId, created } = first[0] as { sessionId: string; created: boolean };
    assert.equal(created, true);
    assert.ok(first.filter((e) => e.type === 'text').length >= 2, 'the answer arrives in pieces');
    assert.deepEqual(first.at(-1), { type: 'done', stopReason: 'end_turn' });

    stack.bedrock.enqueue(
      toolTurn([{ id: 'tu-rt-1', name: 'cloudformation_delete_stack', input: { stackName: 'old' } }]),
    );
    const second = await collect(
      connection.chat({ message: 'delete old', sessionId }, new AbortController().signal),
    );
    assert.deepEqual(second.at(-1), { type: 'done', stopReason: 'approval_required' });
    stack.bedrock.enqueue(textTurn(['Not deleted.']));
    const resumed = await collect(
      connection.chat(
        { sessionId, approvals: [{ toolUseId: 'tu-rt-1', decision: 'deny' }] },
        new AbortController().signal,
      ),
    );
    assert.deepEqual(resumed.at(-1), { type: 'done', stopReason: 'end_turn' });

    const { sessions } = await connection.invoke({ action: 'listSessions' });
    assert.equal(sessions[0]!.sessionId, sessionId);
    const { turns } = await connection.invoke({ action: 'getSession', sessionId });
    assert.equal(turns[0]!.text, 'hello runtime');
    assert.ok(turns.length >= 4);
    return sessionId;
  }

  /** Every chat of the conversation, the first included, under one runtime session id. */
  function assertOneMicroVm(sessionId: string) {
    const chats = runtime.invocations.filter((i) => (i.body as { action: string }).action === 'chat');
    assert.equal(chats.length, 3);
    assert.deepEqual(new Set(chats.map((c) => c.runtimeSessionId)), new Set([runtimeSessionId(sessionId)]));
    assert.ok(chats[0]!.runtimeSessionId.length >= 33);
    assert.deepEqual(
      { sessionId: (chats[0]!.body as any).sessionId, newSession: (chats[0]!.body as any).newSession },
      { sessionId, newSession: true },
      'the client picks the conversation id up front',
    );
    assert.equal((chats[1]!.body as any).newSession, undefined);
    const getSession = runtime.invocations.find(
      (i) => (i.body as { action: string }).action === 'getSession',
    );
    assert.equal(
      getSession!.runtimeSessionId,
      runtimeSessionId(sessionId),
      'resume goes to the same microVM',
    );
    assert.ok(runtime.invocations.every((i) => i.qualifier === 'DEFAULT' && i.status === 200));
  }

  it('bearer: chats, streams, resumes and lists through the runtime; one microVM per conversation', async () => {
    const connection = await bearer();
    const { accessToken, sub } = await signedIn();
    const sessionId = await conversation(connection, container);
    assertOneMicroVm(sessionId);
    assert.ok(runtime.invocations.every((i) => i.auth === 'bearer'));
    assert.ok(
      runtime.invocations.every((i) => i.forwardedAuthorization === `Bearer ${accessToken}`),
      'the container gets the caller’s token to verify again',
    );
    assert.equal((await connection.invoke({ action: 'whoami' })).actorId, sub);
  });

  it('SigV4: InvokeAgentRuntime chats, streams, resumes and lists; one microVM per conversation', async () => {
    const connection = sigv4();
    const sessionId = await conversation(connection, iamContainer);
    assertOneMicroVm(sessionId);
    assert.ok(runtime.invocations.every((i) => i.auth === 'sigv4' && i.accessKeyId === 'AKIDAGENTCORETEST'));
    assert.ok(runtime.invocations.every((i) => i.forwardedAuthorization === undefined));
    connection.dispose();
  });

  it('streams through the runtime as the answer is written: stopping mid-answer keeps it interrupted', async () => {
    for (const [connection, stack] of [
      [await bearer(), container],
      [sigv4(), iamContainer],
    ] as const) {
      await stopAtFirstText(connection, stack.bedrock);
      connection.dispose();
    }
  });

  it('requests outside a conversation share one runtime session per connection', async () => {
    for (const connection of [await bearer(), sigv4()]) {
      runtime.reset();
      await connection.invoke({ action: 'listSessions' });
      await connection.invoke({ action: 'listTasks' });
      const [a, b] = runtime.invocations;
      assert.equal(a!.runtimeSessionId, b!.runtimeSessionId);
      assert.ok(a!.runtimeSessionId.length >= 33);
      connection.dispose();
    }
  });

  it('maps the container’s contract errors to connection errors on both paths', async () => {
    for (const connection of [await bearer(), sigv4()]) {
      await assert.rejects(connection.invoke({ action: 'getSession', sessionId: 'no-such-session' }), {
        name: 'ConnectionError',
        kind: 'not_found',
        status: 404,
        message: 'no session no-such-session',
      });
      connection.dispose();
    }
  });

  it('the container verifies the forwarded token again: a forged one is refused', async () => {
    const { accessToken } = await signedIn();
    const forged = createConnection(
      settings({
        runtimeArn: JWT_ARN,
        userPoolId: container.cognito.userPoolId,
        clientId: container.cognito.clientId,
        agentcoreEndpoint: runtime.url,
      }),
      { storageDir: '/nonexistent', token: async () => tamperSignature(accessToken) },
    );
    await assert.rejects(forged.invoke({ action: 'listSessions' }), { kind: 'unauthorized', status: 401 });
    assert.equal(
      runtime.invocations.at(-1)!.status,
      401,
      'the runtime let it through; the container said no',
    );
  });

  it('refuses what the service refuses: short session ids, the wrong authorizer, no credentials', async () => {
    const { accessToken } = await signedIn();
    const post = (arn: string, headers: Record<string, string>) =>
      fetch(`${runtime.url}/runtimes/${encodeURIComponent(arn)}/invocations?qualifier=DEFAULT`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ action: 'whoami' }),
      });
    const auth = { authorization: `Bearer ${accessToken}` };
    assert.equal((await post(JWT_ARN, { ...auth, [SESSION_HEADER]: 'a'.repeat(32) })).status, 400);
    assert.equal((await post(JWT_ARN, { ...auth, [SESSION_HEADER]: 'a'.repeat(257) })).status, 400);
    assert.equal((await post(JWT_ARN, auth)).status, 400);
    assert.equal((await post(JWT_ARN, { [SESSION_HEADER]: 'a'.repeat(33) })).status, 401);
    assert.equal((await post(IAM_ARN, { ...auth, [SESSION_HEADER]: 'a'.repeat(33) })).status, 403);
    const fakeSigV4 = `AWS4-HMAC-SHA256 Credential=AKIDX/20260101/us-east-1/bedrock-agentcore/aws4_request, SignedHeaders=host;x-amz-date;${SESSION_HEADER}, Signature=${'0'.repeat(64)}`;
    const sigHeaders = {
      authorization: fakeSigV4,
      'x-amz-date': '20260101T000000Z',
      [SESSION_HEADER]: 'a'.repeat(40),
    };
    assert.equal((await post(JWT_ARN, sigHeaders)).status, 403);
    assert.equal(
      (await post(IAM_ARN, { ...sigHeaders, authorization: fakeSigV4.replace('us-east-1', 'eu-west-1') }))
        .status,
      403,
    );
    assert.equal(
      (await post(`${JWT_ARN}-missing`, { ...auth, [SESSION_HEADER]: 'a'.repeat(33) })).status,
      404,
    );
    assert.equal(runtime.invocations.length, 0, 'nothing refused reached a container');
  });
});
