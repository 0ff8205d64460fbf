import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEventStream } from '../../backend/src/protocol';
import { textTurn } from '../fakes/bedrock';
import { BackendStack, useBackendStack } from '../support/stack';

describe('bad input gets the contract 4xx and the server keeps serving', function () {
  const stack = useBackendStack({ auth: 'none' });
  afterEach(async () => {
    const ping = await fetch(`${stack.url}/ping`);
    assert.equal(ping.status, 200, 'still healthy after the bad request');
  });

  const cases: [string, { raw?: string; body?: unknown }, number, string, RegExp][] = [
    ['invalid JSON', { raw: '{"action": "chat",' }, 400, 'invalid_request', /not valid JSON/],
    ['a JSON array', { raw: '[1,2]' }, 400, 'invalid_request', /JSON object/],
    ['no action', { body: { message: 'hi' } }, 400, 'invalid_request', /unknown action/],
    [
      'an action nested 20,000 deep',
      { raw: `{"action":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}` },
      400,
      'invalid_request',
      /unknown action \(a object\)/,
    ],
    [
      'unknown action',
      { body: { action: 'dropTables' } },
      400,
      'invalid_request',
      /unknown action "dropTables"/,
    ],
    [
      'message of the wrong type',
      { body: { action: 'chat', message: 42 } },
      400,
      'invalid_request',
      /message/,
    ],
    ['limit out of range', { body: { action: 'listSessions', limit: 101 } }, 400, 'invalid_request', /limit/],
    [
      'limit of the wrong type',
      { body: { action: 'listSessions', limit: '10' } },
      400,
      'invalid_request',
      /limit/,
    ],
    [
      'approvals of the wrong shape',
      { body: { action: 'chat', approvals: [{ toolUseId: 'x', decision: 'maybe' }] } },
      400,
      'invalid_request',
      /decision/,
    ],
    ['chat with nothing to do', { body: { action: 'chat' } }, 400, 'invalid_request', /needs a message/],
    [
      'empty title',
      { body: { action: 'renameSession', sessionId: 'abc', title: '   ' } },
      400,
      'invalid_request',
      /title/,
    ],
    [
      'title too long',
      { body: { action: 'renameSession', sessionId: 'abc', title: 'x'.repeat(121) } },
      400,
      'invalid_request',
      /title/,
    ],
    [
      'session id with a path',
      { body: { action: 'getSession', sessionId: '../../etc/passwd' } },
      400,
      'invalid_request',
      /sessionId/,
    ],
    [
      'session id too long',
      { body: { action: 'getSession', sessionId: 'a'.repeat(101) } },
      400,
      'invalid_request',
      /sessionId/,
    ],
    [
      'session id starting with a dash',
      { body: { action: 'deleteSession', sessionId: '-abc' } },
      400,
      'invalid_request',
      /sessionId/,
    ],
    [
      'chat with a bad session id',
      { body: { action: 'chat', sessionId: 'a/b', message: 'hi' } },
      400,
      'invalid_request',
      /sessionId/,
    ],
    [
      'a cursor this service never issued',
      { body: { action: 'listSessions', cursor: 'bm9wZQ' } },
      400,
      'invalid_request',
      /cursor/,
    ],
    [
      'an unknown session',
      { body: { action: 'getSession', sessionId: 'does-not-exist' } },
      404,
      'not_found',
      /no session does-not-exist/,
    ],
    [
      'chat in an unknown session',
      { body: { action: 'chat', sessionId: 'does-not-exist', message: 'hi' } },
      404,
      'not_found',
      /no session/,
    ],
    [
      'a message over 32 KiB',
      { body: { action: 'chat', message: 'x'.repeat(32 * 1024 + 1) } },
      413,
      'payload_too_large',
      /message is over 32 KiB/,
    ],
    [
      'a body over 256 KiB',
      { raw: JSON.stringify({ action: 'listTasks', pad: 'x'.repeat(256 * 1024) }) },
      413,
      'payload_too_large',
      /body is over 256 KiB/,
    ],
  ];

  for (const [name, input, status, code, message] of cases) {
    it(name, async () => {
      const response = await stack.invoke(
        input.body,
        undefined,
        input.raw !== undefined ? { raw: input.raw } : {},
      );
      assert.equal(response.status, status, response.text);
      assert.equal(response.json.error.code, code);
      assert.match(response.json.error.message, message);
      assert.deepEqual(Object.keys(response.json), ['error']);
      assert.deepEqual(Object.keys(response.json.error).sort(), ['code', 'message']);
    });
  }

  it('a message of exactly 32 KiB is accepted', async () => {
    stack.bedrock.enqueue(textTurn(['ok']));
    const { status } = await stack.chat({ message: 'x'.repeat(32 * 1024) });
    assert.equal(status, 200);
  });

  it('a body over 256 KiB is refused from its declared length, before it is read', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${stack.url}/invocations`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.write('{"action":"listTasks","pad":"'); // far less than declared: the server answers without waiting
    });
    assert.equal(status, 413);
  });

  it('other methods are 405 with Allow, unknown paths 404', async () => {
    const get = await fetch(`${stack.url}/invocations`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal((await get.json()).error.code, 'method_not_allowed');
    const post = await fetch(`${stack.url}/ping`, { method: 'POST' });
    assert.equal(post.status, 405);
    const missing = await fetch(`${stack.url}/admin`, { method: 'POST' });
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, 'not_found');
  });

  it('never puts request text in its logs', async () => {
    const secret = 'my-very-private-question-text';
    stack.bedrock.enqueue(textTurn(['ok']));
    await stack.chat({ message: secret });
    await stack.invoke({ action: 'chat', message: secret, sessionId: '../x' });
    assert.ok(stack.server!.output.includes('"action":"chat"'), 'requests are logged');
    assert.ok(!stack.server!.output.includes(secret), 'message text stays out of the log');
  });
});

describe('the server refuses unsafe configuration', () => {
  it('AUTH_MODE=none on a non-loopback bind', async () => {
    const stack = new BackendStack({ auth: 'none', env: { HOST: '0.0.0.0' } });
    await Promise.all([stack.bedrock.start(), stack.aws.start()]);
    try {
      await assert.rejects(stack.startServer(), /AUTH_MODE=none is refused on 0\.0\.0\.0/);
    } finally {
      await stack.stop();
    }
  });

  it('AUTH_MODE=cognito without a pool', async () => {
    const stack = new BackendStack({ auth: 'none', env: { AUTH_MODE: 'cognito' } });
    await Promise.all([stack.bedrock.start(), stack.aws.start()]);
    try {
      await assert.rejects(stack.startServer(), /COGNITO_USER_POOL_ID is required/);
    } finally {
      await stack.stop();
    }
  });

  it('an http:// JWKS that is not loopback', async () => {
    const stack = new BackendStack({
      auth: 'none',
      env: {
        AUTH_MODE: 'cognito',
        COGNITO_USER_POOL_ID: 'us-east-1_abc',
        COGNITO_CLIENT_ID: 'c',
        COGNITO_ISSUER: 'http://idp.example.com/p',
        COGNITO_JWKS_URI: 'http://idp.example.com/p/jwks.json',
      },
    });
    await Promise.all([stack.bedrock.start(), stack.aws.start()]);
    try {
      await assert.rejects(stack.startServer(), (error: Error) => {
        assert.match(
          error.message,
          /cloud-engineer backend: COGNITO_JWKS_URI may use http:\/\/ only for a loopback host/,
        );
        assert.doesNotMatch(error.message, /at \w+ \(/, 'a configuration error prints no stack');
        return true;
      });
    } finally {
      await stack.stop();
    }
  });
});

describe('graceful shutdown', () => {
  const stack = useBackendStack({ auth: 'none', env: { SHUTDOWN_GRACE_MS: '5000' } });

  it('lets an open stream finish after SIGTERM, refuses new work, and exits cleanly', async () => {
    stack.bedrock.enqueue(textTurn(['one ', 'two ', 'three ', 'four'], { gapMs: 300 }));
    const response = await stack.openChat({ message: 'finish what you started' });
    const events: string[] = [];
    for await (const event of readEventStream(response.body!)) {
      events.push(event.type);
      if (events.filter((t) => t === 'text').length === 1) stack.server!.proc.kill('SIGTERM');
    }
    assert.equal(events.at(-1), 'done', 'the answer was allowed to finish');
    assert.equal(await stack.server!.exited, 0);
    await assert.rejects(fetch(`${stack.url}/ping`), 'no longer listening');
  });
});

describe('limits and failing dependencies', () => {
  describe('MAX_STREAMS_PER_ACTOR', () => {
    const stack = useBackendStack({ auth: 'none', env: { MAX_STREAMS_PER_ACTOR: '1' } });

    it('refuses a second concurrent answer with 429 and Retry-After, and stores nothing for it', async () => {
      stack.bedrock.enqueue(textTurn(['slow ', 'answer'], { gapMs: 400 }), textTurn(['later']));
      const first = await stack.openChat({ message: 'first' });
      const second = await stack.invoke({ action: 'chat', message: 'second' });
      assert.equal(second.status, 429);
      assert.equal(second.headers.get('retry-after'), '5');
      assert.equal(second.json.error.code, 'throttled');
      for await (const _ of readEventStream(first.body!));
      const { json } = await stack.invoke({ action: 'listSessions' });
      assert.deepEqual(
        json.sessions.map((s: { title: string }) => s.title),
        ['first'],
        'the refused message left no session',
      );
      const third = await stack.chat({ message: 'after the first finished' });
      assert.equal(third.status, 200);
    });
  });

  describe('a memory store that fails', () => {
    const notADirectory = join(mkdtempSync(join(tmpdir(), 'ce-broken-')), 'file');
    writeFileSync(notADirectory, 'not a folder');
    const stack = useBackendStack({ auth: 'none', env: { MEMORY_DIR: notADirectory } });

    it('answers 503 unavailable, not 500, and keeps serving', async () => {
      for (const body of [{ action: 'listSessions' }, { action: 'chat', message: 'hello' }]) {
        const response = await stack.invoke(body);
        assert.equal(response.status, 503);
        assert.deepEqual(response.json, {
          error: { code: 'unavailable', message: 'conversation memory is unavailable; try again shortly' },
        });
      }
      assert.equal(
        stack.bedrock.requests.length,
        0,
        'the model is not called when the message cannot be stored',
      );
      assert.equal((await fetch(`${stack.url}/ping`)).status, 200);
    });
  });
});
