/**
 * The Bedrock clients' connections, counted at the wire fake: model calls and ApplyGuardrail
 * checks reuse kept-alive HTTP/1.1 connections, and a call left before its end (cancelled, its
 * reader gone, or cut by the server) never leaves its connection in the pool half-read.
 */
import assert from 'node:assert/strict';
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { applyGuardrail } from '../../../../backend/src/core/guardrails/bedrock-guardrail';
import { createModel } from '../../../../backend/src/core/model/adapters/bedrock';
import { ModelError } from '../../../../backend/src/core/model/errors';
import { noKey } from '../../../../backend/src/core/model/options';
import type { Model, ModelEvent, ModelRequest } from '../../../../backend/src/core/model/types';
import { BedrockFake, delay, ev, textTurn } from '../../../fakes/bedrock';

const credentials = async () => ({ accessKeyId: 'AKIDCONNECTIONS', secretAccessKey: 'not-a-secret' });
const request: ModelRequest = {
  system: 'You are the cloud engineer.',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'list my buckets' }] }],
  tools: [],
  maxTokens: 256,
  cache: false,
};

async function texts(model: Model, signal = new AbortController().signal): Promise<string> {
  let text = '';
  for await (const e of model.stream(request, signal)) if (e.type === 'text') text += e.text;
  return text;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A slow answer: the first delta at once, then one every 200 ms. */
const slow = () => textTurn(['first ', 'second ', 'third ', 'fourth '], { gapMs: 200 });

describe('Bedrock connections', () => {
  let fake: BedrockFake;
  let model: Model;

  beforeEach(async () => {
    // A fake of its own for each test: its port is a pool of its own in the shared agent.
    fake = await new BedrockFake().start();
    model = createModel({
      modelId: 'test.model-v1',
      apiKey: noKey,
      region: 'us-east-1',
      endpoint: fake.url,
      credentials,
    });
  });
  afterEach(() => fake.stop());

  it('two model calls in a row reuse one HTTP/1.1 connection', async () => {
    fake.enqueue(textTurn(['one']), textTurn(['two']));
    assert.equal(await texts(model), 'one');
    assert.equal(await texts(model), 'two');
    assert.deepEqual(
      fake.requests.map((r) => [r.protocol, r.connection]),
      [
        ['http/1.1', 1],
        ['http/1.1', 1],
      ],
    );
    assert.equal(fake.connections, 1);
  });

  it('calls at once take a connection each, and the pool keeps them for the calls after', async () => {
    fake.enqueue(slow(), slow());
    await Promise.all([texts(model), texts(model)]);
    fake.enqueue(textTurn(['a']), textTurn(['b']));
    await texts(model);
    await texts(model);
    assert.equal(fake.connections, 2);
    assert.deepEqual(new Set(fake.requests.map((r) => r.connection)), new Set([1, 2]));
  });

  it('a cancelled call closes its connection mid-stream; the next call opens a new one', async () => {
    fake.enqueue(slow(), textTurn(['after']));
    const cancel = new AbortController();
    await assert.rejects(async () => {
      for await (const e of model.stream(request, cancel.signal)) if (e.type === 'text') cancel.abort();
    });
    await until(() => fake.requests[0]!.aborted);
    await until(() => fake.closedConnections.has(fake.requests[0]!.connection));
    assert.equal(await texts(model), 'after');
    assert.notEqual(fake.requests[1]!.connection, fake.requests[0]!.connection);
    assert.equal(fake.requests[1]!.aborted, false);
  });

  it('a reader that stops early (no cancel) does not leave its connection half-read in the pool', async () => {
    fake.enqueue(slow(), textTurn(['after']));
    const seen: ModelEvent[] = [];
    for await (const e of model.stream(request, new AbortController().signal)) {
      seen.push(e);
      if (e.type === 'text') break;
    }
    assert.deepEqual(seen, [{ type: 'text', text: 'first ' }]);
    await until(() => fake.requests[0]!.aborted);
    await until(() => fake.closedConnections.has(fake.requests[0]!.connection));
    assert.equal(await texts(model), 'after');
    assert.notEqual(fake.requests[1]!.connection, fake.requests[0]!.connection);
  });

  it('a stream the server cuts fails as unavailable, and the next call gets a working connection', async () => {
    fake.enqueue(
      {
        steps: [
          ev('messageStart', { role: 'assistant' }),
          ev('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Partial' } }),
          delay(20),
          { kind: 'cut' },
        ],
      },
      textTurn(['whole']),
    );
    await assert.rejects(texts(model), (error: unknown) => {
      assert.ok(error instanceof ModelError, String(error));
      assert.equal(error.kind, 'unavailable');
      return true;
    });
    assert.equal(await texts(model), 'whole');
    assert.notEqual(fake.requests[1]!.connection, fake.requests[0]!.connection);
  });

  it('a connection reset before any answer (a kept-alive one the server just closed) is worth retrying at once', async () => {
    fake.enqueue(textTurn(['one']), { steps: [{ kind: 'cut' }] }, textTurn(['retried']));
    assert.equal(await texts(model), 'one');
    await assert.rejects(texts(model), (error: unknown) => {
      assert.ok(error instanceof ModelError, String(error));
      assert.deepEqual([error.kind, error.retryNow], ['unavailable', true]);
      return true;
    });
    assert.equal(fake.requests[1]!.connection, 1, 'the reset came on the reused connection');
    assert.equal(await texts(model), 'retried');
    assert.equal(fake.requests[2]!.connection, 2);
  });

  it('a connection the server closed while idle is not used again', async () => {
    fake.enqueue(textTurn(['one']), textTurn(['two']));
    assert.equal(await texts(model), 'one');
    fake.dropConnections();
    await until(() => fake.openConnections === 0);
    await new Promise((r) => setTimeout(r, 20)); // the client sees the close
    assert.equal(await texts(model), 'two');
    assert.equal(fake.connections, 2);
  });

  it('ApplyGuardrail checks share the model calls’ connection', async () => {
    const apply = applyGuardrail({
      identifier: 'gr-test',
      version: '1',
      region: 'us-east-1',
      endpoint: fake.url,
      credentials,
    });
    const signal = new AbortController().signal;
    fake.enqueue(textTurn(['answer']));
    await texts(model);
    assert.equal((await apply('first check', 'INPUT', signal)).action, 'NONE');
    assert.equal((await apply('second check', 'OUTPUT', signal)).action, 'NONE');
    assert.deepEqual(
      fake.guardrailCalls.map((c) => c.connection),
      [1, 1],
    );
    assert.equal(fake.connections, 1);
  });

  it('the fake still serves the SDK’s default handler (HTTP/2), a connection per event stream', async () => {
    const client = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: fake.url,
      credentials,
      maxAttempts: 1,
    });
    try {
      fake.enqueue(textTurn(['h2 ']), textTurn(['again']));
      for (let i = 0; i < 2; i++) {
        const out = await client.send(new ConverseStreamCommand({ modelId: 'test.model-v1', messages: [] }));
        for await (const _ of out.stream!);
      }
      assert.deepEqual(
        fake.requests.map((r) => [r.protocol, r.connection]),
        [
          ['h2', 1],
          ['h2', 2],
        ],
      );
    } finally {
      client.destroy();
    }
  });
});
