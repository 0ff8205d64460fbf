/**
 * A web page in the user's browser attacks the unauthenticated loopback server: cross-site simple
 * requests (text/plain, form posts), DNS rebinding (a foreign Host), a foreign Origin, CORS
 * preflights. Every one is refused with 403 `forbidden` before anything runs; a same-machine
 * client (curl, Node's fetch) sending JSON keeps working.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { textTurn } from '../fakes/bedrock';
import { useBackendStack } from '../support/stack';

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request with exactly these headers (fetch would not let a test set Host). */
function raw(
  url: string,
  init: { method: string; path?: string; headers: Record<string, string>; body?: string },
): Promise<RawReply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: init.method,
        path: init.path ?? '/invocations',
        headers: init.headers,
        setHost: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('security: the loopback server refuses what a web page could send (AUTH_MODE=none)', function () {
  const stack = useBackendStack({ auth: 'none' });
  const port = () => new URL(stack.url).port;
  const json = (body: unknown) => JSON.stringify(body);
  const approveDelete = json({
    action: 'chat',
    sessionId: 'victim',
    approvals: [{ toolUseId: 'tu-1', decision: 'approve', confirmText: 'DELETE prod' }],
  });

  afterEach(async () => {
    assert.equal(stack.bedrock.requests.length, 0, 'no refused request reached the model');
    assert.deepEqual(stack.aws.calls, [], 'no refused request reached AWS');
    const sessions = await stack.invoke({ action: 'listSessions' });
    assert.deepEqual(sessions.json, { sessions: [] }, 'no refused request stored anything');
    assert.equal((await fetch(`${stack.url}/ping`)).status, 200);
  });

  type Forged = { method: string; path?: string; headers: Record<string, string>; body?: string };
  const here = () => `127.0.0.1:${port()}`;
  const post = (headers: Record<string, string>, body = json({ action: 'whoami' })): Forged => ({
    method: 'POST',
    headers,
    body,
  });
  const asJson = (headers: Record<string, string>) =>
    post({ ...headers, 'content-type': 'application/json' });

  const forged: [string, () => Forged][] = [
    [
      'a cross-site text/plain POST (a simple request, no preflight)',
      () =>
        post(
          { host: here(), 'content-type': 'text/plain;charset=UTF-8' },
          json({ action: 'chat', message: 'list my sessions' }),
        ),
    ],
    [
      'a form POST',
      () =>
        post(
          { host: `localhost:${port()}`, 'content-type': 'application/x-www-form-urlencoded' },
          '{"action":"chat","message":"x","pad":"=1"}',
        ),
    ],
    ['a multipart POST', () => post({ host: here(), 'content-type': 'multipart/form-data; boundary=x' })],
    ['a POST with no content type', () => post({ host: here() })],
    [
      'a content type that only mentions application/json',
      () => post({ host: here(), 'content-type': 'text/plain; x=application/json' }),
    ],
    [
      'a forged approval of a deletion, as text/plain',
      () => post({ host: here(), 'content-type': 'text/plain' }, approveDelete),
    ],
    ['DNS rebinding: a foreign Host with JSON', () => asJson({ host: `attacker.example:${port()}` })],
    [
      'DNS rebinding: a foreign Host on /ping',
      () => ({ method: 'GET', path: '/ping', headers: { host: `rebind.attacker.example:${port()}` } }),
    ],
    ['a loopback Host with the wrong port', () => asJson({ host: `127.0.0.1:${Number(port()) + 1}` })],
    ['a loopback Host without the port', () => asJson({ host: 'localhost' })],
    [
      'a loopback-looking Host of another name',
      () => asJson({ host: `127.0.0.1.attacker.example:${port()}` }),
    ],
    ['a foreign Origin with JSON', () => asJson({ host: here(), origin: 'https://attacker.example' })],
    ['Origin: null (a sandboxed frame)', () => asJson({ host: here(), origin: 'null' })],
    [
      'a loopback Origin on another port (another local web app)',
      () => asJson({ host: here(), origin: `http://localhost:${Number(port()) + 1}` }),
    ],
    ['a browser fetch labelled cross-site', () => asJson({ host: here(), 'sec-fetch-site': 'cross-site' })],
    [
      'a CORS preflight',
      () => ({
        method: 'OPTIONS',
        headers: {
          host: here(),
          origin: 'https://attacker.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      }),
    ],
    ['an OPTIONS request from this machine', () => ({ method: 'OPTIONS', headers: { host: here() } })],
  ];

  for (const [name, make] of forged) {
    it(`refuses ${name}`, async () => {
      const reply = await raw(stack.url, make());
      assert.equal(reply.status, 403, reply.text);
      const body = JSON.parse(reply.text);
      assert.deepEqual(Object.keys(body), ['error']);
      assert.equal(body.error.code, 'forbidden');
      assert.equal(typeof body.error.message, 'string');
      assert.ok(
        !Object.keys(reply.headers).some((h) => h.startsWith('access-control-')),
        'no CORS grant of any kind',
      );
    });
  }

  const allowed: [string, () => Record<string, string>][] = [
    ['Host 127.0.0.1:<port>', () => ({ host: `127.0.0.1:${port()}` })],
    ['Host localhost:<port>', () => ({ host: `localhost:${port()}` })],
    ['Host [::1]:<port>', () => ({ host: `[::1]:${port()}` })],
    ['Host LOCALHOST:<port> (names are case-insensitive)', () => ({ host: `LOCALHOST:${port()}` })],
    [
      'its own origin, as a same-origin page would send',
      () => ({ host: `127.0.0.1:${port()}`, origin: `http://127.0.0.1:${port()}` }),
    ],
    [
      'Sec-Fetch-Site: none (the user typed it)',
      () => ({ host: `localhost:${port()}`, 'sec-fetch-site': 'none' }),
    ],
  ];
  for (const [name, headers] of allowed) {
    it(`serves a curl-like JSON request with ${name}`, async () => {
      const reply = await raw(stack.url, {
        method: 'POST',
        headers: { ...headers(), 'content-type': 'application/json; charset=utf-8' },
        body: json({ action: 'whoami' }),
      });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(JSON.parse(reply.text), { actorId: 'local', authMode: 'none', canApprove: true });
    });
  }

  it("serves Node's fetch with JSON, chat included (what the extension and the README's curl do)", async () => {
    stack.bedrock.enqueue(textTurn(['hello']));
    const { status, events } = await stack.chat({ message: 'hi' });
    assert.equal(status, 200);
    assert.equal(events.at(-1)!.type, 'done');
    await stack.invoke({
      action: 'deleteSession',
      sessionId: (events[0] as { sessionId: string }).sessionId,
    });
    stack.bedrock.reset();
  });
});
