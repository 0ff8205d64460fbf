import assert from 'node:assert/strict';
import { findSecrets, redactText } from '../../../../backend/src/core/guardrails/policy';
import {
  StreamRedactor,
  type StreamRedactorOptions,
} from '../../../../backend/src/core/guardrails/stream-redactor';
import { BENIGN, SENSITIVE } from '../../../fixtures/guardrail-corpus';

const SIZES = Array.from({ length: 64 }, (_, i) => i + 1);

function split(text: string, size: number): string[] {
  return text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
}

/** Streams `deltas`, recording what was shown after each push and how much was held back. */
function stream(deltas: string[], options?: StreamRedactorOptions) {
  const r = new StreamRedactor(options);
  const shown: string[] = [];
  const categories: string[] = [];
  const held: number[] = [];
  let fed = 0;
  let out = 0;
  for (const d of deltas) {
    const res = r.push(d);
    fed += d.length;
    out += res.text.length;
    shown.push(res.text);
    categories.push(...res.categories);
    held.push(fed - out);
  }
  const end = r.flush();
  shown.push(end.text);
  categories.push(...end.categories);
  return { shown, text: shown.join(''), categories, held };
}

/** A PEM private key as a model would print it: 64-character lines. */
function pemKey(lines: number, type = 'RSA PRIVATE KEY'): { block: string; body: string[] } {
  const body = Array.from({ length: lines }, (_, i) =>
    Buffer.from(`line ${i} of a private key that must never be shown, padded out to 48 bytes`)
      .toString('base64')
      .slice(0, 64),
  );
  return { block: [`-----BEGIN ${type}-----`, ...body, `-----END ${type}-----`].join('\n'), body };
}

describe('StreamRedactor', function () {
  // Thousands of streams (every corpus item at every delta size): give a busy CI machine room.
  this.timeout(120_000);

  it('passes prose on at once, holding back only the unfinished word', () => {
    assert.deepEqual(stream(['The VPC has ', 'three subn', 'ets in ', 'us-east-1.']).shown, [
      'The VPC has ',
      'three ',
      'subnets in ',
      '',
      'us-east-1.',
    ]);
  });

  it('shows every sensitive corpus item as the whole-text policy would, at every delta size from 1 to 64', () => {
    const failures: string[] = [];
    for (const item of SENSITIVE) {
      const expected = redactText(item.text).text;
      for (const size of SIZES) {
        const { text, shown } = stream(split(item.text, size));
        const leaked = [item.secret, ...(item.fragments ?? [])].filter(
          (f) => text.includes(f) || shown.some((s) => s.includes(f)),
        );
        if (text !== expected || leaked.length || findSecrets(text).length) {
          failures.push(`${JSON.stringify(item.text)} @${size}: ${JSON.stringify(text)} leaked ${leaked}`);
          break;
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  it('passes benign text through unchanged and promptly, at every delta size from 1 to 64', () => {
    const failures: string[] = [];
    for (const item of BENIGN) {
      const longestToken = Math.max(...item.split(/\s+/).map((t) => t.length));
      for (const size of SIZES) {
        const { text, held } = stream(split(item, size));
        // Held back is at most a risky tail: a token, a label with its value, a run of numbers.
        const worst = Math.max(...held);
        if (text !== item || worst > Math.max(64, longestToken + 32 + size)) {
          failures.push(`${JSON.stringify(item)} @${size}: ${JSON.stringify(text)} held ${worst}`);
          break;
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  it('streams a long answer mixing all of them exactly as the whole-text policy redacts it', () => {
    const parts: string[] = [];
    SENSITIVE.filter((s) => !s.text.startsWith('cut off')).forEach((s, i) =>
      parts.push(s.text, BENIGN[i % BENIGN.length]!),
    );
    const answer = parts.join('\n\n');
    const expected = redactText(answer).text;
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    for (const size of [1, 2, 3, 4, 5, 7, 11, 16, 31, 64, 0]) {
      const deltas: string[] = [];
      for (let at = 0; at < answer.length;) {
        const n = size || 1 + Math.floor(random() * 40);
        deltas.push(answer.slice(at, at + n));
        at += n;
      }
      const { text } = stream(deltas);
      assert.equal(text, expected, `delta size ${size || 'random'}`);
      for (const item of SENSITIVE) assert.ok(!text.includes(item.secret), `${item.secret} @${size}`);
    }
  });

  describe('private keys', () => {
    it('never shows a line of a long key streamed in 4-character deltas (past the hold limit)', () => {
      const { block, body } = pemKey(40);
      const { text, categories, shown } = stream(split(`Here is the key:\n${block}\nStore it safely.`, 4));
      assert.equal(text, 'Here is the key:\n[REDACTED:PRIVATE_KEY]\nStore it safely.');
      assert.deepEqual(categories, ['private_key']);
      for (const piece of [...body, 'BEGIN', 'PRIVATE KEY', 'END RSA'])
        assert.ok(!shown.some((s) => s.includes(piece)), piece);
    });

    it('holds a header split across deltas at any point, however it is cut', () => {
      const { block } = pemKey(3, 'OPENSSH PRIVATE KEY');
      const text = `key: ${block} done`;
      for (let cut = 1; cut < 40; cut++) {
        const deltas = [text.slice(0, 5 + cut), ...split(text.slice(5 + cut), 3)];
        assert.equal(stream(deltas).text, 'key: [REDACTED:PRIVATE_KEY] done', `cut at ${cut}`);
      }
    });

    it('redacts, never releases, a key that outgrows the hold, and resumes after its END line', () => {
      const { block, body } = pemKey(60);
      for (const size of [1, 4, 64]) {
        const { text, categories } = stream(split(`a ${block}\nafter the key`, size), { maxKeyHold: 300 });
        assert.equal(text, 'a [REDACTED:PRIVATE_KEY]\nafter the key', `size ${size}`);
        assert.deepEqual(categories, ['private_key']);
        for (const line of body) assert.ok(!text.includes(line));
      }
    });

    it('redacts what was held when the stream ends inside a key', () => {
      const { block, body } = pemKey(5);
      const open = block.split('\n').slice(0, 4).join('\n');
      const { text } = stream(split(`start ${open}`, 7));
      assert.equal(text, 'start [REDACTED:PRIVATE_KEY]');
      for (const line of body.slice(0, 3)) assert.ok(!text.includes(line));
    });

    it('keeps a key open across a flush: the rest of it is dropped up to its END line', () => {
      const { block, body } = pemKey(6);
      const lines = block.split('\n');
      const r = new StreamRedactor();
      const first = r.push(`see ${lines.slice(0, 3).join('\n')}\n`).text + r.flush().text;
      const second = r.push(`${lines.slice(3).join('\n')}\nthe end`).text + r.flush().text;
      assert.equal(first, 'see [REDACTED:PRIVATE_KEY]');
      assert.equal(second, '\nthe end');
      for (const line of body) assert.ok(!`${first}${second}`.includes(line));
    });

    it('lets certificates and public keys stream: they are not secrets', () => {
      const cert =
        '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----\n';
      const { text, held } = stream(split(cert.repeat(20), 5));
      assert.equal(text, cert.repeat(20));
      assert.ok(Math.max(...held) < 80, 'a certificate does not hold the stream');
    });
  });

  it('does not hold a long run of numbers forever, and never lets a card out at the release point', () => {
    const r = new StreamRedactor();
    let shown = '';
    for (let i = 0; i < 400; i++) shown += r.push(`${i} `).text;
    assert.ok(shown.length > 500, `${shown.length} characters shown before the end`);
    const table = `${'7 '.repeat(300)}4111 1111 1111 1111 ${'8 '.repeat(300)}`;
    for (const size of [1, 5, 64]) {
      const { text } = stream(split(table, size));
      assert.ok(!text.includes('4111'), `size ${size}`);
      assert.ok(text.includes('[REDACTED:PAYMENT_CARD]'));
    }
  });

  it('streams hostile shapes (a 16 KB token, dashes, digits) in small deltas within the test timeout', () => {
    // Each push reads only what changed: the whole hold is never read again per delta.
    for (const text of [
      `x ${'A1b2C3d4'.repeat(2048)} end`,
      `password=${'A1b2C3d4'.repeat(2048)} end`,
      '1 '.repeat(8192),
      '-'.repeat(16_384),
      `${'-'.repeat(5000)}BEGIN RSA PRIVATE KEY${'-'.repeat(5000)}\nabc`,
    ])
      assert.equal(stream(split(text, 4)).text, redactText(text).text);
  });

  it('holds an unbroken token until it ends, then redacts it whole', () => {
    const blob = `token ${Buffer.from('password=Sup3rS3cret!'.repeat(200)).toString('base64')} done`;
    const { text } = stream(split(blob, 3));
    assert.equal(text, redactText(blob).text);
    assert.ok(!text.includes('cGFzc3dvcmQ9'));
  });
});
