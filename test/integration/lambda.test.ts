import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noAuth } from '../../backend/src/core/auth/authenticator';
import { createBackend } from '../../backend/src/core/bootstrap';
import { ConfigError, loadConfig } from '../../backend/src/core/config';
import { silentLogger } from '../../backend/src/core/log';
import type { Backend } from '../../backend/src/core/invocation';
import type { AgentService } from '../../backend/src/core/service';
import { createHandler, loadLambdaConfig } from '../../backend/src/lambda/handler';
import { SseParser, type StreamEvent } from '../../backend/src/protocol';
import { AwsFake } from '../fakes/aws';
import { BedrockFake, delay, textTurn } from '../fakes/bedrock';
import { claimsOf, CognitoLocal } from '../support/cognito';
import { cognitoHostEnv, FAKE_AWS_KEYS, useEnv } from '../support/env';
import { functionUrlPost, invoke, recordingRuntime, type ResponseMeta } from '../support/lambda';
import { plannedIn, planWebTurn } from '../support/plan-change';

describe('Lambda host (Function URL, response streaming)', () => {
  const bedrock = new BedrockFake();
  let handler: unknown;
  let metas: ResponseMeta[];

  // The Bedrock client signs with the default chain, which reads these.
  useEnv(FAKE_AWS_KEYS);
  before(async () => {
    await bedrock.start();
    const config = loadConfig({
      AUTH_MODE: 'none',
      AWS_REGION: 'us-east-1',
      BEDROCK_ENDPOINT: bedrock.url,
      MEMORY_DIR: mkdtempSync(join(tmpdir(), 'ce-lambda-')),
    });
    const shim = recordingRuntime();
    metas = shim.metas;
    handler = createHandler(createBackend(config, silentLogger), shim.runtime, silentLogger);
  });
  after(() => bedrock.stop());
  beforeEach(() => (metas.length = 0));

  it('streams chat events as they are produced', async () => {
    bedrock.enqueue(textTurn(['one ', 'two ', 'three'], { gapMs: 150 }));
    const { body, arrivals } = await invoke(handler, functionUrlPost({ action: 'chat', message: 'hi' }));
    assert.equal(metas[0]!.statusCode, 200);
    assert.match(metas[0]!.headers['content-type']!, /text\/event-stream/);
    const events = new SseParser().push(body);
    assert.deepEqual(
      events.map((e) => e.type),
      ['session', 'text', 'text', 'text', 'usage', 'done'],
    );
    assert.ok(arrivals.at(-1)! - arrivals[0]! >= 250, 'written over time, not in one piece');
  });

  it('answers JSON actions and base64 bodies', async () => {
    const { body } = await invoke(
      handler,
      functionUrlPost(Buffer.from('{"action":"whoami"}').toString('base64'), { isBase64Encoded: true }),
    );
    assert.deepEqual(JSON.parse(body), { actorId: 'local', authMode: 'none', canApprove: true });
    assert.equal(metas[0]!.statusCode, 200);
  });

  it('maps errors to the contract', async () => {
    const bad = await invoke(handler, functionUrlPost('{nope'));
    assert.equal(metas[0]!.statusCode, 400);
    assert.equal(JSON.parse(bad.body).error.code, 'invalid_request');
    const get = await invoke(
      handler,
      functionUrlPost({ action: 'whoami' }, { requestContext: { http: { method: 'GET' } } }),
    );
    assert.equal(metas[1]!.statusCode, 405);
    assert.equal(metas[1]!.headers.allow, 'POST');
    assert.deepEqual(JSON.parse(get.body), { error: { code: 'method_not_allowed', message: 'use POST' } });
    const elsewhere = await invoke(
      handler,
      functionUrlPost({ action: 'whoami' }, { rawPath: '/invocations' }),
    );
    assert.equal(metas[2]!.statusCode, 404);
    assert.deepEqual(JSON.parse(elsewhere.body), { error: { code: 'not_found', message: 'POST / only' } });
  });

  it('sends keepalive comments while a turn is silent', async () => {
    const shim = recordingRuntime();
    const config = loadConfig({ AUTH_MODE: 'none', BEDROCK_ENDPOINT: bedrock.url, MEMORY_DIR: memoryDir() });
    const quick = createHandler(createBackend(config, silentLogger), shim.runtime, silentLogger, {
      keepaliveMs: 50,
    });
    bedrock.enqueue({
      steps: [...textTurn(['before ']).steps.slice(0, 2), delay(400), ...textTurn(['after']).steps.slice(1)],
    });
    const { body } = await invoke(quick, functionUrlPost({ action: 'chat', message: 'think slowly' }));
    const silent = body.split('data: {"type":"text","text":"before ')[1]!.split('data: {"type":"text"')[0]!;
    assert.ok((silent.match(/^: keepalive$/gm) ?? []).length >= 2, body);
    assert.deepEqual(
      new SseParser().push(body).map((e) => e.type),
      ['session', 'text', 'text', 'usage', 'done'],
      'clients skip the comments',
    );
  });

  it('ends a stream that fails after it started with an error event, never a second response', async () => {
    const shim = recordingRuntime();
    const failing = {
      auth: noAuth,
      service: {
        invoke: async () => ({
          kind: 'stream',
          action: 'chat',
          sessionId: 's',
          events: (async function* (): AsyncGenerator<StreamEvent> {
            yield { type: 'session', sessionId: 's', title: 't', created: true };
            throw new Error('store exploded with secret-detail-123');
          })(),
        }),
      } as unknown as AgentService,
    } satisfies Backend;
    const broken = createHandler(failing, shim.runtime, silentLogger);
    const { body } = await invoke(broken, functionUrlPost({ action: 'chat', message: 'hi' }));
    assert.deepEqual(
      shim.metas.map((m) => m.statusCode),
      [200],
      'one response head only',
    );
    const events = new SseParser().push(body);
    assert.deepEqual(
      events.map((e) => e.type),
      ['session', 'error'],
    );
    assert.deepEqual(events[1], {
      type: 'error',
      code: 'internal',
      message: 'The turn failed unexpectedly.',
      retryable: true,
    });
    assert.ok(!body.includes('secret-detail-123'));
  });
});

describe('Lambda applies the groups of the verified token', function () {
  this.timeout(60_000);
  const bedrock = new BedrockFake();
  const aws = new AwsFake();
  const cognito = new CognitoLocal();
  let handler: unknown;
  let metas: ResponseMeta[];
  const call = async (body: unknown, token: string) => invoke(handler, functionUrlPost(body, { token }));

  before(() => Promise.all([bedrock.start(), aws.start(), cognito.start()]));
  // The tools' AWS calls reach the fake; the user pool's API is reached at its issuer.
  useEnv(() => ({ ...FAKE_AWS_KEYS, AWS_ENDPOINT_URL: aws.url }));
  before(() => {
    const config = loadLambdaConfig({
      ...cognitoHostEnv(cognito),
      AWS_REGION: 'us-east-1',
      BEDROCK_ENDPOINT: bedrock.url,
      MEMORY_DIR: mkdtempSync(join(tmpdir(), 'ce-lambda-groups-')),
      ALLOWED_GROUPS: 'engineers',
      APPROVER_GROUPS: 'approvers',
    });
    const shim = recordingRuntime();
    metas = shim.metas;
    handler = createHandler(createBackend(config, silentLogger), shim.runtime, silentLogger);
  });
  after(() => Promise.all([bedrock.stop(), aws.stop(), cognito.stop()]));

  const events = (body: string) => new SseParser().push(body);
  type Result = Extract<StreamEvent, { type: 'tool_result' }>;

  it('lets only an approver approve: 403 naming the group, nothing reaches AWS; the approver is on record', async () => {
    await cognito.createGroup('engineers').catch(() => {});
    await cognito.createGroup('approvers');
    const viewer = await cognito.createUser('lambda-viewer@example.com');
    const approver = await cognito.createUser('lambda-approver@example.com');
    const approverOnly = await cognito.createUser('lambda-approver-only@example.com');
    await cognito.addToGroup(viewer, 'engineers');
    await cognito.addToGroup(approver, 'engineers');
    await cognito.addToGroup(approver, 'approvers');
    await cognito.addToGroup(approverOnly, 'approvers');
    const [viewerToken, approverToken, approverOnlyToken] = await Promise.all(
      [viewer, approver, approverOnly].map(async (u) => (await cognito.signIn(u)).AccessToken),
    );

    // ALLOWED_GROUPS alone decides who may use the agent: an approver outside it is refused.
    await call({ action: 'whoami' }, approverOnlyToken);
    assert.equal(metas.at(-1)!.statusCode, 403);

    const plan = async (token: string, id: string) => {
      bedrock.enqueue(planWebTurn(id));
      return plannedIn(events((await call({ action: 'chat', message: 'plan web' }, token)).body));
    };
    const viewed = await plan(viewerToken, 'tu-lv');
    assert.equal(viewed.card.canApprove, false);
    assert.deepEqual(viewed.card.approverGroups, ['approvers']);
    const refused = await call(
      {
        action: 'chat',
        sessionId: viewed.sessionId,
        approvals: [{ toolUseId: 'tu-lv', decision: 'approve' }],
      },
      viewerToken,
    );
    assert.equal(metas.at(-1)!.statusCode, 403);
    assert.equal(JSON.parse(refused.body).error.code, 'forbidden');
    assert.match(JSON.parse(refused.body).error.message, /"approvers"/);
    assert.deepEqual(aws.calledWith('CreateChangeSet'), []);

    const asked = await plan(approverToken, 'tu-la');
    assert.equal(asked.card.canApprove, true);
    bedrock.enqueue(textTurn(['Planned.']));
    const approved = events(
      (
        await call(
          {
            action: 'chat',
            sessionId: asked.sessionId,
            approvals: [{ toolUseId: 'tu-la', decision: 'approve' }],
          },
          approverToken,
        )
      ).body,
    );
    const result = approved.find((e): e is Result => e.type === 'tool_result')!;
    assert.deepEqual(
      [result.status, result.approvedBy?.sub, result.approvedBy?.name],
      ['success', claimsOf(approverToken).sub, 'lambda-approver@example.com'],
    );
    assert.equal(aws.calledWith('CreateChangeSet').length, 1);
  });

  it('refuses a user outside ALLOWED_GROUPS with 403 and tells a member whether they may approve', async () => {
    await cognito.createGroup('engineers').catch(() => {});
    const outsider = await cognito.createUser('lambda-outsider@example.com');
    const member = await cognito.createUser('lambda-member@example.com');
    await cognito.addToGroup(member, 'engineers');
    const refused = await call({ action: 'listSessions' }, (await cognito.signIn(outsider)).AccessToken);
    assert.equal(metas.at(-1)!.statusCode, 403);
    assert.equal(JSON.parse(refused.body).error.code, 'forbidden');
    const who = await call({ action: 'whoami' }, (await cognito.signIn(member)).AccessToken);
    assert.equal(metas.at(-1)!.statusCode, 200);
    assert.deepEqual(
      [JSON.parse(who.body).groups, JSON.parse(who.body).canApprove, JSON.parse(who.body).approverGroups],
      [['engineers'], false, ['approvers']],
    );
  });
});

describe('Lambda refuses a plain MODEL_API_KEY', () => {
  it('loadLambdaConfig throws: the key comes from Secrets Manager on Lambda', () => {
    assert.throws(
      () =>
        loadLambdaConfig({
          AUTH_MODE: 'cognito',
          COGNITO_USER_POOL_ID: 'us-east-1_abc',
          COGNITO_CLIENT_ID: 'client',
          MODEL_PROVIDER: 'openai',
          MODEL_API_KEY: 'sk-lambda-leak-5678',
        }),
      (error: Error) =>
        error instanceof ConfigError &&
        /MODEL_API_KEY is for local development only and is refused on Lambda/.test(error.message) &&
        !error.message.includes('sk-lambda-leak-5678'),
    );
    const config = loadLambdaConfig({
      AUTH_MODE: 'cognito',
      COGNITO_USER_POOL_ID: 'us-east-1_abc',
      COGNITO_CLIENT_ID: 'client',
      MODEL_PROVIDER: 'openai',
      MODEL_API_KEY_SECRET: 'cloud-engineer/openai',
    });
    assert.equal(config.model.apiKeySecret, 'cloud-engineer/openai');
  });
});

describe('Lambda refuses AUTH_MODE=none at start-up', () => {
  it('loadLambdaConfig throws a ConfigError for AUTH_MODE=none', () => {
    assert.throws(
      () => loadLambdaConfig({ AUTH_MODE: 'none' }),
      (error: Error) =>
        error instanceof ConfigError && /AUTH_MODE=none is refused on Lambda/.test(error.message),
    );
    const config = loadLambdaConfig({
      AUTH_MODE: 'cognito',
      COGNITO_USER_POOL_ID: 'us-east-1_abc',
      COGNITO_CLIENT_ID: 'client',
    });
    assert.equal(config.auth.mode, 'cognito');
  });

  it('the bundled handler fails its init with AUTH_MODE=none', async () => {
    const { execFile } = await import('node:child_process');
    const { resolve } = await import('node:path');
    const { pathToFileURL } = await import('node:url');
    const bundle = pathToFileURL(resolve(__dirname, '../../backend/dist/lambda/index.js')).href;
    // The Lambda runtime provides `awslambda`; the module builds its handler when it loads.
    const script = `globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };
      import(${JSON.stringify(bundle)}).then(() => console.log('STARTED'), (e) => { console.log('REFUSED ' + e.name + ': ' + e.message); });`;
    const output = await new Promise<string>((done) =>
      execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { env: { PATH: process.env.PATH, AUTH_MODE: 'none', AWS_REGION: 'us-east-1' } },
        (_error, stdout, stderr) => done(stdout + stderr),
      ),
    );
    assert.match(output, /REFUSED ConfigError: AUTH_MODE=none is refused on Lambda/);
  });
});

function memoryDir(): string {
  return mkdtempSync(join(tmpdir(), 'ce-lambda-'));
}
