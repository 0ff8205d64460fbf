import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { createBackend } from '../../backend/src/core/bootstrap';
import { loadConfig } from '../../backend/src/core/config';
import { silentLogger } from '../../backend/src/core/log';
import {
  createHandler,
  type FunctionUrlEvent,
  type StreamingRuntime,
} from '../../backend/src/lambda/handler';
import { SseParser } from '../../backend/src/protocol';
import { BedrockFake, textTurn } from '../fakes/bedrock';

/** Lambda's streaming runtime API, as the Node.js runtime provides it on `awslambda`. */
function runtimeShim() {
  const metas: { statusCode: number; headers: Record<string, string> }[] = [];
  const runtime: StreamingRuntime = {
    streamifyResponse: (handler) => handler,
    HttpResponseStream: {
      from(stream: Writable, meta) {
        metas.push(meta);
        return stream;
      },
    },
  };
  return { runtime, metas };
}

async function call(handler: any, event: FunctionUrlEvent) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  const arrivals: number[] = [];
  stream.on('data', (c) => (chunks.push(c.toString()), arrivals.push(Date.now())));
  await handler(event, stream);
  return { body: chunks.join(''), arrivals };
}

describe('Lambda host (Function URL, response streaming)', () => {
  const bedrock = new BedrockFake();
  let handler: any;
  let metas: { statusCode: number; headers: Record<string, string> }[];
  const post = (body: unknown, extra: Partial<FunctionUrlEvent> = {}): FunctionUrlEvent => ({
    rawPath: '/',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    requestContext: { http: { method: 'POST' }, requestId: 'r' },
    ...extra,
  });

  const savedEnv = { ...process.env };
  before(async () => {
    await bedrock.start();
    // The Bedrock client signs with the default chain, which reads these.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    const config = loadConfig({
      AUTH_MODE: 'none',
      AWS_REGION: 'us-east-1',
      BEDROCK_ENDPOINT: bedrock.url,
      MEMORY_DIR: mkdtempSync(join(tmpdir(), 'ce-lambda-')),
    });
    const shim = runtimeShim();
    metas = shim.metas;
    handler = createHandler(createBackend(config, silentLogger), shim.runtime, silentLogger);
  });
  after(async () => {
    process.env = savedEnv;
    await bedrock.stop();
  });
  beforeEach(() => (metas.length = 0));

  it('streams chat events as they are produced', async () => {
    bedrock.enqueue(textTurn(['one ', 'two ', 'three'], { gapMs: 150 }));
    const { body, arrivals } = await call(handler, post({ action: 'chat', message: 'hi' }));
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
    const { body } = await call(
      handler,
      post(undefined, { body: Buffer.from('{"action":"whoami"}').toString('base64'), isBase64Encoded: true }),
    );
    assert.deepEqual(JSON.parse(body), { actorId: 'local', authMode: 'none' });
    assert.equal(metas[0]!.statusCode, 200);
  });

  it('maps errors to the contract', async () => {
    const bad = await call(handler, post(undefined, { body: '{nope' }));
    assert.equal(metas[0]!.statusCode, 400);
    assert.equal(JSON.parse(bad.body).error.code, 'invalid_request');
    await call(handler, post({ action: 'whoami' }, { requestContext: { http: { method: 'GET' } } }));
    assert.equal(metas[1]!.statusCode, 405);
    await call(handler, post({ action: 'whoami' }, { rawPath: '/invocations' }));
    assert.equal(metas[2]!.statusCode, 404);
  });
});
