/**
 * The loopback guard against Host and Origin spellings a DNS-rebinding page or a confused proxy
 * could produce: IPv6 and numeric forms of loopback, a trailing dot, case, userinfo, whitespace and
 * duplicated Host headers. A foreign name is refused in every spelling; loopback spellings the
 * guard does not know are refused too (safe), and nothing refused reaches the model or AWS.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { useBackendStack } from '../support/stack';

/** One raw HTTP/1.1 exchange, so a test can send what no client library would (two Host lines). */
function rawHttp(port: number, head: string, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text });
    });
    socket.end(`${head}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
}

describe('security: the loopback guard refuses odd Host and Origin spellings (AUTH_MODE=none)', function () {
  const stack = useBackendStack({ auth: 'none' });
  const port = () => Number(new URL(stack.url).port);
  const whoami = JSON.stringify({ action: 'whoami' });
  const post = (headers: string[]) =>
    rawHttp(
      port(),
      ['POST /invocations HTTP/1.1', 'content-type: application/json', ...headers].join('\r\n'),
      whoami,
    );

  afterEach(() => {
    assert.equal(stack.bedrock.requests.length, 0);
    assert.deepEqual(stack.aws.calls, []);
  });

  const refusedHosts: [string, () => string][] = [
    ['a foreign name with a trailing dot', () => `attacker.example.:${port()}`],
    ['localhost with a trailing dot (a rebinding-capable name)', () => `localhost.:${port()}`],
    ['an uppercase foreign name', () => `ATTACKER.EXAMPLE:${port()}`],
    ['127.0.0.1 as a subdomain of a foreign name', () => `127.0.0.1.nip.io:${port()}`],
    ['localhost as a subdomain of a foreign name', () => `localhost.attacker.example:${port()}`],
    ['an IPv4-mapped IPv6 loopback', () => `[::ffff:127.0.0.1]:${port()}`],
    ['the long IPv6 loopback', () => `[0:0:0:0:0:0:0:1]:${port()}`],
    ['an IPv6 with a zone id', () => `[fe80::1%25eth0]:${port()}`],
    ['a bare IPv6 without brackets', () => `::1:${port()}`],
    ['a decimal IPv4 loopback', () => `2130706433:${port()}`],
    ['a shortened IPv4 loopback', () => `127.1:${port()}`],
    ['a hex IPv4 loopback', () => `0x7f.0.0.1:${port()}`],
    ['userinfo before a loopback name', () => `attacker@127.0.0.1:${port()}`],
    ['a loopback name with a path', () => `127.0.0.1:${port()}/x`],
    ['a port with a leading zero overflow', () => `127.0.0.1:${port() + 65536}`],
    ['an empty Host', () => ''],
  ];
  for (const [name, host] of refusedHosts) {
    it(`refuses Host: ${name}`, async () => {
      const reply = await post([`host: ${host()}`]);
      assert.ok(reply.status === 403 || reply.status === 400, reply.text);
      assert.doesNotMatch(reply.text, /"actorId"/);
    });
  }

  it('refuses two Host headers, a loopback one and a foreign one, in either order', async () => {
    for (const hosts of [
      [`host: 127.0.0.1:${port()}`, `host: attacker.example:${port()}`],
      [`host: attacker.example:${port()}`, `host: 127.0.0.1:${port()}`],
    ]) {
      const reply = await post(hosts);
      assert.ok(reply.status === 403 || reply.status === 400, reply.text);
      assert.doesNotMatch(reply.text, /"actorId"/);
    }
  });

  it('serves case and whitespace variants of its own loopback Host', async () => {
    for (const host of [`LocalHost:${port()}`, `[::1]:${port()}`, `  127.0.0.1:${port()}  `]) {
      const reply = await post([`host: ${host}`]);
      assert.equal(reply.status, 200, `${host}: ${reply.text}`);
    }
  });

  const refusedOrigins: [string, () => string][] = [
    ['a foreign origin that starts like its own', () => `http://127.0.0.1:${port()}.attacker.example`],
    ['userinfo in the origin', () => `http://127.0.0.1:${port()}@attacker.example`],
    ['an https loopback origin (another app)', () => `https://localhost:${port()}`],
    ['a file origin', () => 'file://'],
    ['a foreign origin with a trailing dot', () => `http://attacker.example.:${port()}`],
    ['two origins in one header', () => `http://127.0.0.1:${port()}, https://attacker.example`],
  ];
  for (const [name, origin] of refusedOrigins) {
    it(`refuses Origin: ${name}`, async () => {
      const reply = await post([`host: 127.0.0.1:${port()}`, `origin: ${origin()}`]);
      assert.equal(reply.status, 403, reply.text);
    });
  }

  it('refuses a same-site (not same-origin) browser request and a Sec-Fetch-Site list', async () => {
    for (const site of ['same-site', 'cross-site, none', 'NONE']) {
      const reply = await post([`host: 127.0.0.1:${port()}`, `sec-fetch-site: ${site}`]);
      assert.equal(reply.status, 403, `${site}: ${reply.text}`);
    }
  });

  it('applies the guard to unknown paths and to methods other than POST', async () => {
    const foreign = `host: attacker.example:${port()}`;
    for (const line of ['GET /invocations HTTP/1.1', 'GET /nope HTTP/1.1', 'PUT /invocations HTTP/1.1']) {
      const reply = await rawHttp(port(), [line, foreign].join('\r\n'));
      assert.equal(reply.status, 403, `${line}: ${reply.text}`);
    }
  });
});
