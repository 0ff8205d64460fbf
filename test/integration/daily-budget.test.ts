/**
 * The daily token budget (USER_DAILY_TOKENS) through both hosts, configured from the environment
 * as deployed: the local HTTP server over the file store, and the Lambda handler with DynamoDB
 * (dynalite) keeping the counter. Cognito tokens from cognito-local, the model at the Bedrock fake's
 * wire, and the clock injected so the renewal time is exact.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../backend/src/core/bootstrap';
import { loadConfig } from '../../backend/src/core/config';
import { silentLogger } from '../../backend/src/core/log';
import { createHttpHost, type HttpHost } from '../../backend/src/server/http-host';
import { createHandler, loadLambdaConfig } from '../../backend/src/lambda/handler';
import { readEventStream, SseParser, type StreamEvent } from '../../backend/src/protocol';
import { BedrockFake, textTurn } from '../fakes/bedrock';
import { CognitoLocal } from '../support/cognito';
import { startDynalite, type Dynalite } from '../support/dynalite';
import { cognitoHostEnv, useEnv } from '../support/env';
import { functionUrlPost, invoke, preludeRuntime, splitPrelude } from '../support/lambda';

const credentials = async () => ({ accessKeyId: 'AKIDBUDGETTEST', secretAccessKey: 'budget-test-secret' });
/** 22:00 UTC: the budget renews in two hours. */
const EVENING = new Date('2026-12-06T22:00:00Z');
const NEXT_DAY = new Date('2026-12-07T00:00:01Z');

interface Reply {
  status: number;
  headers: Record<string, string>;
  events: StreamEvent[];
  json?: any;
}

/** What both hosts must do: each test gives it a way to chat as a user, and the clock. */
function budgetCases(
  chat: (token: string, body: Record<string, unknown>) => Promise<Reply>,
  fixtures: () => { bedrock: BedrockFake; alice: string; bob: string; clock: { now: Date } },
  counted?: (day: string) => Promise<void>,
) {
  it('refuses a chat past the budget with 429 quota_exceeded, Retry-After to the next UTC day, before the model', async () => {
    const { bedrock, alice, bob, clock } = fixtures();
    clock.now = EVENING;
    // 65 tokens, then a turn that starts within the budget and ends past it: never cut off.
    bedrock.enqueue(textTurn(['One.'], { usage: [60, 5] }));
    const first = await chat(alice, { action: 'chat', message: 'one' });
    assert.deepEqual(first.events.at(-1), { type: 'done', stopReason: 'end_turn' }, JSON.stringify(first));
    const sessionId = (first.events[0] as { sessionId: string }).sessionId;
    bedrock.enqueue(textTurn(['Two ', 'and ', 'more.'], { usage: [90, 10] }));
    const second = await chat(alice, { action: 'chat', message: 'two', sessionId });
    assert.deepEqual(second.events.at(-1), { type: 'done', stopReason: 'end_turn' });
    assert.equal(second.events.filter((e) => e.type === 'text').length, 3, 'the whole answer');

    const calls = bedrock.requests.length;
    const refused = await chat(alice, { action: 'chat', message: 'three', sessionId });
    assert.equal(refused.status, 429);
    assert.equal(refused.json.error.code, 'quota_exceeded');
    assert.equal(refused.headers['retry-after'], '7200');
    assert.match(refused.json.error.message, /today's 100 tokens \(165 so far\)/);
    assert.match(refused.json.error.message, /renews at 00:00 UTC, in 2 h 0 min/);
    assert.equal(bedrock.requests.length, calls, 'the model was not called');
    // A new conversation too.
    assert.equal((await chat(alice, { action: 'chat', message: 'elsewhere' })).status, 429);
    await counted?.('2026-12-06');

    // Another user is not affected.
    bedrock.enqueue(textTurn(['Hi Bob.']));
    const other = await chat(bob, { action: 'chat', message: 'hello' });
    assert.equal(other.status, 200);
    assert.deepEqual(other.events.at(-1), { type: 'done', stopReason: 'end_turn' });

    // The next UTC day the budget is back.
    clock.now = NEXT_DAY;
    bedrock.enqueue(textTurn(['Morning.']));
    const renewed = await chat(alice, { action: 'chat', message: 'three', sessionId });
    assert.deepEqual(renewed.events.at(-1), { type: 'done', stopReason: 'end_turn' });
  });

  it('lets a turn in progress finish while another spends the rest of the budget', async () => {
    const { bedrock, alice, clock } = fixtures();
    clock.now = new Date('2026-12-05T23:30:00Z');
    // The slow turn's request comes first and gets the slow script.
    bedrock.enqueue(
      textTurn(['slow ', 'but ', 'whole ', 'answer.'], { gapMs: 150, usage: [20, 4] }),
      textTurn(['Expensive.'], { usage: [500, 50] }),
    );
    const slow = chat(alice, { action: 'chat', message: 'take your time' });
    for (let i = 0; bedrock.requests.length < 1 && i < 200; i++) await new Promise((r) => setTimeout(r, 10));
    const fast = await chat(alice, { action: 'chat', message: 'spend it all' });
    assert.deepEqual(fast.events.at(-1), { type: 'done', stopReason: 'end_turn' });
    const finished = await slow;
    assert.deepEqual(finished.events.at(-1), { type: 'done', stopReason: 'end_turn' });
    assert.equal(
      finished.events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join(''),
      'slow but whole answer.',
    );
    const refused = await chat(alice, { action: 'chat', message: 'more' });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers['retry-after'], '1800');
    assert.match(refused.json.error.message, /in 0 h 30 min|in 30 min/);
  });
}

describe('the daily token budget through the hosts (USER_DAILY_TOKENS=100)', function () {
  this.timeout(60_000);
  const bedrock = new BedrockFake();
  const cognito = new CognitoLocal();
  const clock = { now: EVENING };
  const users = { alice: '', bob: '' };
  before(async () => {
    await Promise.all([bedrock.start(), cognito.start()]);
    const [a, b] = await Promise.all([
      cognito.createUser('alice@example.com').then((u) => cognito.signIn(u)),
      cognito.createUser('bob@example.com').then((u) => cognito.signIn(u)),
    ]);
    users.alice = a.AccessToken;
    users.bob = b.AccessToken;
  });
  after(() => Promise.all([bedrock.stop(), cognito.stop()]));
  beforeEach(() => bedrock.reset());

  const env = () => ({
    ...cognitoHostEnv(cognito),
    AWS_REGION: 'us-east-1',
    BEDROCK_ENDPOINT: bedrock.url,
    MODEL_ID: 'test.fake-model-v1',
    USER_DAILY_TOKENS: '100',
  });
  const fixtures = () => ({ bedrock, alice: users.alice, bob: users.bob, clock });

  describe('the local server (HTTP), file store', () => {
    let host: HttpHost;
    let url = '';
    beforeEach(async () => {
      const config = loadConfig({ ...env(), MEMORY_DIR: mkdtempSync(join(tmpdir(), 'ce-budget-')) });
      host = createHttpHost(
        createBackend(config, silentLogger, { credentials, now: () => clock.now }),
        silentLogger,
      );
      await new Promise<void>((resolve) => host.server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(host.server.address() as AddressInfo).port}`;
    });
    afterEach(() => host.shutdown(0));

    budgetCases(async (token, body) => {
      const response = await fetch(`${url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      const headers = Object.fromEntries(response.headers);
      if (response.status !== 200)
        return { status: response.status, headers, events: [], json: await response.json() };
      const events: StreamEvent[] = [];
      for await (const event of readEventStream(response.body!)) events.push(event);
      return { status: 200, headers, events };
    }, fixtures);
  });

  describe('the Lambda handler, DynamoDB (dynalite) keeping the counter', () => {
    let dynalite: Dynalite;
    let handler: unknown;
    let table = '';
    before(async () => {
      dynalite = await startDynalite();
    });
    // The store signs with the SDK's default chain, as on Lambda (the function's role).
    useEnv(() => ({
      AWS_ACCESS_KEY_ID: dynalite.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: dynalite.credentials.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    }));
    after(async () => {
      await dynalite?.close();
    });
    beforeEach(() => {
      table = `budget-${Math.random().toString(36).slice(2)}`;
      const config = loadLambdaConfig({
        ...env(),
        MEMORY_STORE: 'dynamodb',
        MEMORY_TABLE: table,
        DYNAMODB_ENDPOINT: dynalite.endpoint,
      });
      handler = createHandler(
        createBackend(config, silentLogger, {
          credentials: async () => dynalite.credentials,
          now: () => clock.now,
        }),
        preludeRuntime,
        silentLogger,
      );
    });

    budgetCases(
      async (token, body) => {
        const { meta, body: text } = splitPrelude(
          (await invoke(handler, functionUrlPost(body, { token }))).body,
        );
        return meta.statusCode === 200
          ? { status: 200, headers: meta.headers, events: new SseParser().push(text) }
          : { status: meta.statusCode, headers: meta.headers, events: [], json: JSON.parse(text) };
      },
      fixtures,
      // The counter is an item of the table: one per actor and day, with a TTL.
      async (day) => {
        const { DynamoDBClient, ScanCommand } = await import('@aws-sdk/client-dynamodb');
        const { Items = [] } = await new DynamoDBClient({
          endpoint: dynalite.endpoint,
          region: dynalite.region,
          credentials: dynalite.credentials,
        }).send(new ScanCommand({ TableName: table }));
        const counters = Items.filter((i) => i.pk?.S?.endsWith(`#D#${day}`));
        assert.equal(counters.length, 1, 'one counter item for the one user who spent');
        assert.equal(counters[0]!.tokens?.N, '165');
        assert.ok(Number(counters[0]!.ttl?.N) > Date.parse(`${day}T00:00:00Z`) / 1000 + 86_400);
      },
    );
  });
});
