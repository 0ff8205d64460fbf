/**
 * What every API-key provider's adapter must do, against its wire fake and its real SDK: stream
 * each delta as it arrives, send the key in its own header only, map the provider's errors to
 * `ModelError`s that name it and never carry the key, read a rotated key once after a refusal, and
 * abort the request on cancel. A provider's test calls `providerSuite` inside its `describe` and
 * adds what is its own (request shapes, conversions, usage, listing).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { ModelError, type ModelErrorKind } from '../../../../backend/src/core/model/errors';
import { fixedKey, type ApiKeySource } from '../../../../backend/src/core/model/options';
import type { ProviderId } from '../../../../backend/src/core/model/registry';
import type { Model, ModelEvent, ModelRequest } from '../../../../backend/src/core/model/types';
import type { ControlStep, RecordedRequest } from '../../../fakes/script-server';

export const request = (over: Partial<ModelRequest> = {}): ModelRequest => ({
  system: 'You are the cloud engineer.',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'list my buckets' }] }],
  tools: [
    { name: 'aws_read', description: 'Read AWS', inputSchema: { type: 'object', properties: {} } },
    { name: 'aws_write', description: 'Change AWS', inputSchema: { type: 'object' } },
  ],
  maxTokens: 1024,
  cache: true,
  ...over,
});

export async function collect(model: Model, req = request(), signal = new AbortController().signal) {
  const events: ModelEvent[] = [];
  for await (const e of model.stream(req, signal)) events.push(e);
  return events;
}

/** The ModelError a call failed with. */
export async function failure(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A provider's wire fake, as the suite drives it (test/fakes/script-server.ts). */
export interface Fake<Script> {
  readonly requests: RecordedRequest[];
  readonly url: string;
  start(): Promise<unknown>;
  stop(): Promise<void>;
  reset(): void;
  enqueue(...scripts: Script[]): void;
}

/** One error case: what the server answers, the kind it maps to, what the message says. */
export type ErrorCase<Script> = [what: string, answer: Script, kind: ModelErrorKind, says: RegExp];

export interface ProviderSpec<Script> {
  provider: ProviderId;
  /** How its errors name it (the error table's titles and messages). */
  name: string;
  names: RegExp;
  fake: Fake<Script>;
  /** The key the suite's model sends; its messages never hold it nor any of `keyMarks`. */
  key: string;
  keyMarks: string[];
  /** The adapter for the fake (default base URL) or another server. */
  make(apiKey: ApiKeySource, baseUrl?: string): Model;
  /** The base URL made from a server's origin (`/v1` for an OpenAI-compatible server). */
  baseUrlAt(origin: string): string;
  /** Where the key rides, and as what. */
  keyHeader: string;
  sentAs(key: string): string;
  scripts: {
    /** A text answer, its pieces streamed one by one (control steps in between). */
    text(pieces: (string | ControlStep)[]): Script;
    /** `text`, then the connection dies. */
    cutAfter(text: string): Script;
    /** `text`, then the stream keeps the connection open and sends nothing more. */
    hangAfter(text: string): Script;
    /** `text`, then an error in the stream (the provider failing mid-answer). */
    errorAfter(text: string): Script;
    /** The provider refuses the key, saying `said`. */
    refused(said: string): Script;
    /** The key may not use the model, saying `said`. */
    forbidden(said: string): Script;
  };
  errors: ErrorCase<Script>[];
  /** A throttling answer and the seconds it says to wait. */
  throttled: [answer: Script, retryAfterSeconds: number];
  /** When nothing answers at a loopback URL: what the message advises after the URL. */
  downHint: RegExp;
  /** A server that needs a key but has none (the fake by default), and what the refusal says. */
  keyless?: { baseUrl?: string; says?: RegExp };
}

/**
 * Registers the shared tests in the caller's `describe`, and the fake's start, stop and reset. The
 * returned `model` is a fresh adapter for the fake before each test.
 */
export function providerSuite<Script extends { steps: unknown[] }>(
  spec: ProviderSpec<Script>,
): { readonly model: Model } {
  const { fake, scripts } = spec;
  const state = { model: undefined as unknown as Model };
  before(() => fake.start());
  after(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    state.model = spec.make(fixedKey(spec.key));
  });
  const rotating = (keys: string[]): ApiKeySource & { refreshes: number } => {
    let i = 0;
    const source = {
      refreshes: 0,
      get: async () => keys[i],
      refresh: async () => {
        source.refreshes++;
        i = Math.min(i + 1, keys.length - 1);
        return keys[i];
      },
    };
    return source;
  };
  const leaks = (message: string) => [spec.key, ...spec.keyMarks].filter((m) => message.includes(m));
  /** Reads the stream until it fails; the error and what streamed before it. */
  const failing = async (model: Model, signal = new AbortController().signal) => {
    const events: ModelEvent[] = [];
    const error = await failure(
      (async () => {
        for await (const e of model.stream(request(), signal)) events.push(e);
      })(),
    );
    return { error, events };
  };

  describe('common to every provider', () => {
    it('yields each text delta before the server sends the next one', async () => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      fake.enqueue(scripts.text(['Hel', { kind: 'gate', open: opened }, 'lo']));
      const it = state.model.stream(request(), new AbortController().signal)[Symbol.asyncIterator]();
      assert.deepEqual((await it.next()).value, { type: 'text', text: 'Hel' });
      // The server is still waiting at the gate: the delta was not buffered behind the rest.
      assert.equal(fake.requests[0]!.finished, false);
      open();
      const rest: ModelEvent[] = [];
      for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
      assert.deepEqual(rest.slice(0, 2), [
        { type: 'text', text: 'lo' },
        { type: 'stop', reason: 'end_turn' },
      ]);
      assert.deepEqual(
        rest.slice(2).map((e) => e.type),
        ['usage'],
      );
    });

    it('sends the key in its header only, never in another header, the body or the URL', async () => {
      fake.enqueue(scripts.text(['ok']));
      await collect(state.model);
      const r = fake.requests[0]!;
      assert.equal(r.headers[spec.keyHeader], spec.sentAs(spec.key));
      const others = Object.entries(r.headers).filter(([name]) => name !== spec.keyHeader);
      assert.ok(!JSON.stringify(others).includes(spec.key));
      assert.ok(!r.rawBody.includes(spec.key));
      assert.ok(!r.path.includes(spec.key) && !r.path.includes('key='));
    });

    for (const [what, answer, kind, says] of spec.errors) {
      it(`maps ${what} to '${kind}', naming ${spec.name}, without the key`, async () => {
        // Twice: a retry (there should be none) gets the same answer.
        fake.enqueue(answer, answer);
        const error = await failure(collect(state.model));
        assert.equal(error.kind, kind);
        assert.equal(error.provider, spec.provider);
        assert.match(error.message, spec.names);
        assert.match(error.message, says);
        assert.deepEqual(leaks(error.message), []);
      });
    }

    it('passes the wait a throttling answer asks for, in one request (the SDK does not retry)', async () => {
      const [answer, seconds] = spec.throttled;
      fake.enqueue(answer);
      const error = await failure(collect(state.model));
      assert.equal(error.kind, 'throttled');
      assert.equal(error.retryAfterSeconds, seconds);
      assert.equal(error.retryNow, true);
      assert.equal(fake.requests.length, 1);
    });

    it('scrubs a key the server echoes in a message', async () => {
      fake.enqueue(scripts.forbidden(`key ${spec.key} may not use this model`));
      const error = await failure(collect(state.model));
      assert.equal(error.kind, 'access');
      assert.deepEqual(leaks(error.message), []);
      assert.match(error.message, /\[key\]/);
    });

    it("maps an error mid-stream to 'unavailable', after the text that came", async () => {
      fake.enqueue(scripts.errorAfter('par'));
      const { error, events } = await failing(state.model);
      assert.deepEqual(events, [{ type: 'text', text: 'par' }]);
      assert.equal(error.kind, 'unavailable');
      assert.deepEqual(leaks(error.message), []);
    });

    it("maps a connection cut mid-stream to 'unavailable'", async () => {
      fake.enqueue(scripts.cutAfter('par'));
      const { error, events } = await failing(state.model);
      assert.deepEqual(events, [{ type: 'text', text: 'par' }]);
      assert.equal(error.kind, 'unavailable');
      assert.match(error.message, /broke off/);
    });

    it('names the base URL when nothing answers', async () => {
      const url = spec.baseUrlAt(`http://127.0.0.1:${await freePort()}`);
      const error = await failure(collect(spec.make(fixedKey(spec.key), url)));
      assert.equal(error.kind, 'unavailable');
      const escaped = url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      assert.match(error.message, new RegExp(`^Nothing answered at ${escaped}: ${spec.downHint.source}`));
    });

    it('refuses to call without a key, before any request', async () => {
      const error = await failure(collect(spec.make(fixedKey(undefined), spec.keyless?.baseUrl)));
      assert.equal(error.kind, 'auth');
      assert.match(error.message, /Set Model API Key/);
      if (spec.keyless?.says) assert.match(error.message, spec.keyless.says);
      assert.equal(fake.requests.length, 0);
    });

    it('aborts the HTTP request when the signal fires, and yields nothing more', async () => {
      fake.enqueue(scripts.hangAfter('first'));
      const controller = new AbortController();
      const events: ModelEvent[] = [];
      const error = await failure(
        (async () => {
          for await (const e of state.model.stream(request(), controller.signal)) {
            events.push(e);
            controller.abort();
          }
        })(),
      );
      assert.deepEqual(events, [{ type: 'text', text: 'first' }]);
      assert.match(error.message, /cancelled/);
      assert.equal(error.retryNow, false);
      await until(() => fake.requests[0]!.aborted);
    });

    it('aborts a request still waiting for its first byte', async () => {
      fake.enqueue({ steps: [{ kind: 'hang' } satisfies ControlStep] } as Script);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const error = await failure(collect(state.model, request(), controller.signal));
      assert.match(error.message, /cancelled/);
      await until(() => fake.requests[0]!.aborted);
    });

    describe('a refused key', () => {
      it('is read again once and the call retried with the rotated key', async () => {
        const source = rotating(['old-key-000000', 'new-key-111111']);
        fake.enqueue(scripts.refused('invalid key'), scripts.text(['rotated']));
        const events = await collect(spec.make(source));
        assert.deepEqual(events[0], { type: 'text', text: 'rotated' });
        assert.equal(source.refreshes, 1);
        assert.deepEqual(
          fake.requests.map((r) => r.headers[spec.keyHeader]),
          [spec.sentAs('old-key-000000'), spec.sentAs('new-key-111111')],
        );
      });

      it('fails as auth when the refreshed key is the same, without a second call', async () => {
        const source = rotating([spec.key]);
        fake.enqueue(scripts.refused('invalid key'));
        const error = await failure(collect(spec.make(source)));
        assert.equal(error.kind, 'auth');
        assert.equal(source.refreshes, 1);
        assert.equal(fake.requests.length, 1);
      });

      it('is retried only once when the rotated key is refused too', async () => {
        const source = rotating(['key-a-0000000', 'key-b-1111111', 'key-c-2222222']);
        const refused = scripts.refused('invalid key key-b-1111111');
        fake.enqueue(refused, refused, refused);
        const error = await failure(collect(spec.make(source)));
        assert.equal(error.kind, 'auth');
        assert.equal(fake.requests.length, 2);
        assert.ok(!error.message.includes('key-b'));
      });
    });
  });

  return state;
}
