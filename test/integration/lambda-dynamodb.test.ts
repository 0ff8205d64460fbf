/**
 * The Lambda host end to end, as deployed: the built bundle (backend/dist/lambda/index.js) loaded
 * the way Lambda's Node.js runtime loads it (configuration from the environment, the streaming
 * API on the `awslambda` global), with conversations in DynamoDB (dynalite), Cognito tokens from
 * cognito-local, and the Bedrock and AWS fakes at the wire.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { SseParser, type StreamEvent } from '../../backend/src/protocol';
import { AwsFake } from '../fakes/aws';
import { BedrockFake, textTurn, toolTurn } from '../fakes/bedrock';
import { CognitoLocal, tamperSignature } from '../support/cognito';
import { startDynalite, type Dynalite } from '../support/dynalite';

const BUNDLE = resolve(__dirname, '../../backend/dist/lambda/index.js');
const TABLE = 'cloud-engineer-lambda-e2e';

interface Meta {
  statusCode: number;
  headers: Record<string, string>;
}

/**
 * Lambda's streaming API as its runtime implements it: `HttpResponseStream.from` writes the
 * status and headers as a JSON prelude and eight NUL bytes into the same stream as the body.
 */
const lambdaRuntimeApi = {
  streamifyResponse: (handler: unknown) => handler,
  HttpResponseStream: {
    from(stream: Writable, meta: Meta): Writable {
      stream.write(`${JSON.stringify(meta)}\0\0\0\0\0\0\0\0`);
      return stream;
    },
  },
};

type Handler = (event: unknown, stream: Writable) => Promise<void>;

/** Invokes the function as a Function URL would, reading the raw response stream. */
async function call(handler: Handler, body: unknown, token?: string) {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await handler(
    {
      rawPath: '/',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: Buffer.from(JSON.stringify(body)).toString('base64'),
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST' }, requestId: 'req' },
    },
    stream,
  );
  const raw = Buffer.concat(chunks).toString('utf8');
  const cut = raw.indexOf('\0'.repeat(8));
  assert.ok(cut > 0, 'a prelude before the body');
  const meta = JSON.parse(raw.slice(0, cut)) as Meta;
  const text = raw.slice(cut + 8);
  const events: StreamEvent[] = meta.headers['content-type']?.startsWith('text/event-stream')
    ? new SseParser().push(text)
    : [];
  return { meta, text, events, json: events.length ? undefined : (JSON.parse(text) as any) };
}

describe('Lambda host end to end: the built handler, DynamoDB (dynalite) and Cognito', function () {
  const bedrock = new BedrockFake();
  const aws = new AwsFake();
  const cognito = new CognitoLocal();
  let dynalite: Dynalite;
  let handler: Handler;
  let alice = '';
  let bob = '';
  const savedEnv = { ...process.env };
  const globals = globalThis as { awslambda?: object };
  let previousGlobal: object | undefined;

  before(async () => {
    [dynalite] = await Promise.all([startDynalite(), bedrock.start(), aws.start(), cognito.start()]);
    Object.assign(process.env, {
      AUTH_MODE: 'cognito',
      COGNITO_USER_POOL_ID: cognito.userPoolId,
      COGNITO_CLIENT_ID: cognito.clientId,
      COGNITO_ISSUER: cognito.issuer,
      MEMORY_STORE: 'dynamodb',
      MEMORY_TABLE: TABLE,
      DYNAMODB_ENDPOINT: dynalite.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDLAMBDATEST',
      AWS_SECRET_ACCESS_KEY: 'lambda-test-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: aws.url,
      BEDROCK_ENDPOINT: bedrock.url,
      MODEL_ID: 'test.fake-model-v1',
      LOG_LEVEL: 'error',
    });
    // Merged into what may already be there: the AWS SDK itself keeps state on this global.
    previousGlobal = globals.awslambda;
    globals.awslambda = { ...previousGlobal, ...lambdaRuntimeApi };
    // Loaded as Lambda loads it: an ES module whose top level reads the environment.
    const mod = (await import(pathToFileURL(BUNDLE).href)) as { handler?: Handler };
    assert.ok(mod.handler, 'the bundle exports a streaming handler');
    handler = mod.handler;
    const [a, b] = await Promise.all([
      cognito.createUser('alice@example.com').then((u) => cognito.signIn(u)),
      cognito.createUser('bob@example.com').then((u) => cognito.signIn(u)),
    ]);
    alice = a.AccessToken;
    bob = b.AccessToken;
  });
  after(async () => {
    if (previousGlobal === undefined) delete globals.awslambda;
    else globals.awslambda = previousGlobal;
    process.env = savedEnv;
    await Promise.all([dynalite?.close(), bedrock.stop(), aws.stop(), cognito.stop()]);
  });
  beforeEach(() => {
    bedrock.reset();
    aws.reset();
  });

  it('streams a chat, keeps it in DynamoDB and lists it for its owner only', async () => {
    bedrock.enqueue(textTurn(['Stored ', 'in ', 'DynamoDB.']));
    const chat = await call(handler, { action: 'chat', message: 'where do you keep this?' }, alice);
    assert.equal(chat.meta.statusCode, 200);
    assert.equal(chat.events[0]!.type, 'session');
    assert.deepEqual(chat.events.at(-1), { type: 'done', stopReason: 'end_turn' });
    const { sessionId } = chat.events[0] as { sessionId: string };

    const listed = await call(handler, { action: 'listSessions' }, alice);
    assert.equal(listed.meta.statusCode, 200);
    assert.deepEqual(
      listed.json.sessions.map((s: { sessionId: string; turnCount: number }) => [s.sessionId, s.turnCount]),
      [[sessionId, 2]],
    );
    const got = await call(handler, { action: 'getSession', sessionId }, alice);
    assert.deepEqual(
      got.json.turns.map((t: { role: string; text: string }) => [t.role, t.text]),
      [
        ['user', 'where do you keep this?'],
        ['assistant', 'Stored in DynamoDB.'],
      ],
    );
    // Imported here, not at the top: loading the SDK defines `globalThis.awslambda`.
    const { DynamoDBClient, ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const { Items } = await new DynamoDBClient({
      endpoint: dynalite.endpoint,
      region: dynalite.region,
      credentials: dynalite.credentials,
    }).send(new ScanCommand({ TableName: TABLE }));
    assert.ok(
      Items!.some((item) => JSON.stringify(item).includes(sessionId)),
      'the conversation is in the table',
    );
    assert.deepEqual((await call(handler, { action: 'listSessions' }, bob)).json.sessions, []);
    assert.equal((await call(handler, { action: 'getSession', sessionId }, bob)).meta.statusCode, 404);
  });

  it('keeps a client-chosen conversation id (newSession) and refuses it twice', async () => {
    bedrock.enqueue(textTurn(['Pinned.']));
    const sessionId = 'lambda-chosen-0b6c2a4e';
    const first = await call(
      handler,
      { action: 'chat', message: 'pin me', sessionId, newSession: true },
      alice,
    );
    assert.deepEqual(first.events[0], { type: 'session', sessionId, title: 'pin me', created: true });
    const again = await call(
      handler,
      { action: 'chat', message: 'again', sessionId, newSession: true },
      alice,
    );
    assert.equal(again.meta.statusCode, 400);
    assert.equal(again.json.error.code, 'invalid_request');
  });

  it('runs an approved call once, from the approval stored in DynamoDB', async () => {
    bedrock.enqueue(
      toolTurn([
        { id: 'tu-lambda-1', name: 'cloudformation_delete_stack', input: { stackName: 'old-stack' } },
      ]),
    );
    const asked = await call(handler, { action: 'chat', message: 'delete old-stack' }, alice);
    assert.deepEqual(asked.events.at(-1), { type: 'done', stopReason: 'approval_required' });
    const { sessionId } = asked.events[0] as { sessionId: string };
    assert.deepEqual(aws.calledWith('DeleteStack'), []);

    // Another user cannot decide it.
    const foreign = await call(
      handler,
      {
        action: 'chat',
        sessionId,
        approvals: [{ toolUseId: 'tu-lambda-1', decision: 'approve', confirmText: 'DELETE old-stack' }],
      },
      bob,
    );
    assert.equal(foreign.meta.statusCode, 404);

    bedrock.enqueue(textTurn(['Deletion started.']));
    const approval = {
      action: 'chat',
      sessionId,
      approvals: [{ toolUseId: 'tu-lambda-1', decision: 'approve', confirmText: 'DELETE old-stack' }],
    };
    const approved = await call(handler, approval, alice);
    assert.equal(approved.meta.statusCode, 200);
    assert.equal(approved.events.find((e) => e.type === 'tool_result')?.type, 'tool_result');
    assert.deepEqual(
      aws.calledWith('DeleteStack').map((p) => p.StackName),
      ['old-stack'],
    );
    const replay = await call(handler, approval, alice);
    assert.equal(replay.meta.statusCode, 400);
    assert.equal(aws.calledWith('DeleteStack').length, 1, 'decided exactly once');
  });

  it('verifies the token itself: none or forged gets 401', async () => {
    for (const token of [undefined, tamperSignature(alice)]) {
      const refused = await call(handler, { action: 'listSessions' }, token);
      assert.equal(refused.meta.statusCode, 401);
      assert.equal(refused.json.error.code, 'unauthorized');
    }
  });
});
