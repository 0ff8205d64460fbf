/**
 * A seeded fuzz run of request bodies that are each wrong in at least one way: wrong types, deep
 * nesting, huge strings, control characters, invalid UTF-8, path-like ids, unknown actions, broken
 * JSON. Every one must get a 4xx with the contract's error body, nothing may reach the model or
 * the store, and the server must stay healthy. A failure prints its seed and case to reproduce:
 * FUZZ_SEED=<seed> npx mocha --config test/.mocharc.integration.json test/security/fuzz.test.ts
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ERROR_STATUS } from '../../backend/src/protocol';
import { useBackendStack } from '../support/stack';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_c0de);
const CASES = 1200;
const PARALLEL = 8;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

/** Too deep for JSON.stringify here: a token that `encode` swaps for raw nested JSON. */
const deep = (depth: number, asObject: boolean) => `\u0007DEEP:${asObject ? 'o' : 'a'}:${depth}`;
const deepRaw = (depth: number, asObject = false) =>
  asObject ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth);

function junkString(r: Rng): string {
  return r.pick([
    () => '',
    () => ' ',
    () => '\u0000\u0001\u0002\u001f',
    () => '\u202e\u200b\ufeff',
    () => '../../etc/passwd',
    () => '..\\..\\windows\\win.ini',
    () => '%2e%2e%2f%2e%2e',
    () => '/absolute/path',
    () => 'a/b',
    () => 'C:\\x',
    () => '-starts-with-dash',
    () => '_underscore',
    () => 'x'.repeat(101 + r.int(5000)),
    () => 'ünïcödé',
    () => '😀'.repeat(3),
    () => 'a b',
    () => 'id\nnewline',
    () => '__proto__',
    () => 'constructor',
    () => 'x'.repeat(300_000),
  ])();
}

function wrongType(r: Rng): unknown {
  return r.pick([
    () => 42,
    () => -1,
    () => 1.5,
    () => true,
    () => null,
    () => [],
    () => [1, 'a', null],
    () => ({}),
    () => ({ nested: { deeper: [1] } }),
    () => deep(2000 + r.int(20_000), r.next() < 0.5),
  ])();
}

/** A body that is invalid by construction: each mutation alone makes it a 4xx. */
function poisoned(r: Rng): unknown {
  const sessionId = () => r.pick([junkString(r), wrongType(r)]);
  return r.pick<() => Record<string, unknown>>([
    // unknown or malformed actions
    () => ({
      action: r.pick([
        'dropTables',
        'CHAT',
        'chat ',
        ' chat',
        'Chat',
        '',
        'eval',
        '__proto__',
        'toString',
        'constructor',
        'hasOwnProperty',
      ]),
    }),
    () => ({ action: wrongType(r), message: 'hi' }),
    () => ({ message: 'no action at all' }),
    () => ({ action: junkString(r) }),
    // chat with a bad field
    () => ({ action: 'chat', message: wrongType(r) }),
    () => ({ action: 'chat', message: 'x'.repeat(32 * 1024 + 1 + r.int(1000)) }),
    () => ({ action: 'chat', message: '   ' }),
    () => ({ action: 'chat', message: 'hi', sessionId: sessionId() }),
    () => ({ action: 'chat', message: 'hi', newSession: r.pick(['yes', 1, null, [], {}]) }),
    () => ({ action: 'chat', message: 'hi', newSession: true }),
    () => ({ action: 'chat', message: 'hi', taskId: r.pick(['no-such-task', '', 'x'.repeat(101), 7]) }),
    () => ({
      action: 'chat',
      taskId: 'list-ec2-instances',
      params: r.pick([[], 'p', { region: 5 }, { region: 'x'.repeat(3000) }]),
    }),
    () => ({
      action: 'chat',
      message: 'hi',
      context: r.pick([
        5,
        { selection: 'x'.repeat(17 * 1024) },
        { fileName: [] },
        { languageId: 'x'.repeat(101) },
      ]),
    }),
    () => ({
      action: 'chat',
      approvals: r.pick([
        {},
        'approve',
        [{ toolUseId: 'x', decision: 'maybe' }],
        [{ toolUseId: '', decision: 'approve' }],
        Array.from({ length: 21 }, (_, i) => ({ toolUseId: `t${i}`, decision: 'deny' })),
      ]),
    }),
    () => ({ action: 'chat', approvals: [{ toolUseId: 'x', decision: 'approve' }] }),
    () => ({
      action: 'chat',
      sessionId: 'fuzz-missing',
      approvals: [{ toolUseId: 'x', decision: 'approve' }],
    }),
    () => ({ action: 'chat', message: 'hi', sessionId: `fuzz-${r.int(1e6)}` }),
    () => ({
      action: 'chat',
      message: 'hi',
      approvals: [{ toolUseId: 'x', decision: 'deny' }],
      sessionId: 'abc',
    }),
    // listSessions
    () => ({ action: 'listSessions', limit: r.pick([0, 101, -1, 1.5, '10', null, [], 1e9]) }),
    () => ({
      action: 'listSessions',
      cursor: r.pick(['', 'bm9wZQ', '!!!', 'x'.repeat(2049), 5, 'eyJ1IjoxfQ']),
    }),
    () => ({ action: 'listSessions', query: r.pick([5, [], 'x'.repeat(201)]) }),
    // getSession, renameSession, deleteSession
    () => ({ action: 'getSession', sessionId: sessionId() }),
    () => ({ action: 'getSession' }),
    () => ({ action: 'getSession', sessionId: `fuzz-${r.int(1e6)}` }),
    () => ({ action: 'getSession', sessionId: 'abc', limit: r.pick([0, 501, 'x', -5]) }),
    () => ({ action: 'getSession', sessionId: 'abc', cursor: r.pick(['', 'bm9wZQ', 7]) }),
    () => ({ action: 'renameSession', sessionId: sessionId(), title: 'ok' }),
    () => ({
      action: 'renameSession',
      sessionId: 'abc',
      title: r.pick(['', '   ', 'x'.repeat(121), 5, null]),
    }),
    () => ({ action: 'renameSession', sessionId: `fuzz-${r.int(1e6)}`, title: 'stolen' }),
    () => ({ action: 'deleteSession', sessionId: sessionId() }),
    () => ({ action: 'deleteSession', sessionId: `fuzz-${r.int(1e6)}` }),
  ])();
}

/** Noise that changes nothing about validity: unknown keys, prototype-looking keys. */
function withNoise(r: Rng, body: unknown): unknown {
  if (typeof body !== 'object' || body === null || r.next() < 0.6) return body;
  const extra = r.pick<Record<string, unknown>>([
    { unknownField: wrongType(r) },
    { __proto__x: { admin: true } },
    { actorId: 'someone-else' },
    { constructor: { prototype: { polluted: true } } },
  ]);
  return { ...extra, ...(body as object) };
}

/** The raw bytes sent, sometimes corrupted below the JSON level. */
function encode(r: Rng, body: unknown): Buffer {
  const json = JSON.stringify(body).replace(/"\\u0007DEEP:([oa]):(\d+)"/g, (_, kind, n) =>
    deepRaw(Number(n), kind === 'o'),
  );
  const mode = r.int(10);
  if (mode === 0) return Buffer.from(json.slice(0, Math.max(1, r.int(json.length))), 'utf8'); // truncated
  if (mode === 1) {
    // invalid UTF-8 bytes inside the action string or at the start
    const bytes = Buffer.from(json, 'utf8');
    const bad = Buffer.from(
      r.pick([[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0x28], [0xfe, 0xfe]]),
    );
    const at = json.indexOf('"action":"');
    if (at < 0) return Buffer.concat([bad, bytes]);
    const cut = at + 10;
    return Buffer.concat([bytes.subarray(0, cut), bad, bytes.subarray(cut)]);
  }
  if (mode === 2) return Buffer.from(json.replace(/"action"/, `"action\u0001"`), 'utf8'); // raw control char
  return Buffer.from(json, 'utf8');
}

/** Bodies that are not a JSON object at all. */
function malformed(r: Rng): Buffer {
  return Buffer.from(
    r.pick([
      () => '',
      () => 'null',
      () => '1',
      () => '"chat"',
      () => 'true',
      () => '[{"action":"listTasks"}]',
      () => "{'action':'listTasks'}",
      () => '{"action":"listTasks",}',
      () => '{"action":NaN}',
      () => '\ufeff{"action":"listTasks","limit":"x"}',
      () => deepRaw(10_000 + r.int(90_000)),
      () => `{"a":${deepRaw(5000)}}`,
      () => '{"action":"chat","message":"\u0000raw"}',
      () => '{"action":"chat","message":"x"'.repeat(3),
      () => '{"action":"listSessions","limit":1e309}',
    ])(),
    'utf8',
  );
}

function generate(r: Rng): { body: Buffer; contentType: string } {
  const body = r.next() < 0.15 ? malformed(r) : encode(r, withNoise(r, poisoned(r)));
  // A few arrive with a content type a browser could send: those are 403 before anything else.
  const contentType = r.next() < 0.05 ? 'text/plain' : 'application/json';
  return { body, contentType };
}

function post(url: string, body: Buffer, contentType: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/invocations`,
      { method: 'POST', headers: { 'content-type': contentType, 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    // A 413 may close the connection before the whole body is written.
    req.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' || error.code === 'ECONNRESET'
        ? resolve({ status: 413, text: '' })
        : reject(error),
    );
    req.end(body);
  });
}

describe(`security: fuzzed request bodies (seed ${SEED}, ${CASES} cases)`, function () {
  this.timeout(120_000);
  const stack = useBackendStack({ auth: 'none' });

  it('answers every one with a 4xx and the contract error body, and stays healthy', async () => {
    const r = prng(SEED);
    const cases = Array.from({ length: CASES }, (_, i) => ({ i, ...generate(r) }));
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const preview = c.body.subarray(0, 200).toString('utf8');
        const reply = await post(stack.url, c.body, c.contentType);
        const where = `case ${c.i} (seed ${SEED}): ${reply.status} for ${JSON.stringify(preview)}`;
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        assert.ok(reply.status >= 400 && reply.status < 500, `${where}\n${reply.text.slice(0, 300)}`);
        if (reply.text === '' && reply.status === 413) continue; // cut off while still sending
        const body = JSON.parse(reply.text);
        assert.deepEqual(Object.keys(body), ['error'], where);
        assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message'], where);
        assert.equal(ERROR_STATUS[body.error.code as keyof typeof ERROR_STATUS], reply.status, where);
        assert.equal(typeof body.error.message, 'string', where);
        assert.doesNotMatch(body.error.message, /\n\s+at /, `${where}: no stack trace`);
        if (c.i % 100 === 0) assert.equal((await fetch(`${stack.url}/ping`)).status, 200, where);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));

    assert.equal((await fetch(`${stack.url}/ping`)).status, 200, 'healthy after the run');
    assert.equal(stack.bedrock.requests.length, 0, 'nothing reached the model');
    const sessions = await stack.invoke({ action: 'listSessions' });
    assert.deepEqual(sessions.json, { sessions: [] }, 'nothing was stored');
    const kinds = [...statuses.keys()].sort();
    assert.ok(kinds.includes(400) && kinds.includes(404) && kinds.includes(413), `statuses seen: ${kinds}`);
    assert.ok(stack.server!.proc.exitCode === null, 'the server process is still running');
  });
});
