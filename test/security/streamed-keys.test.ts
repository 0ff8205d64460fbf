/**
 * A private key streamed by the model, cut into deltas of several sizes, through the whole server:
 * no line of it (header, body, footer) may reach the client or the store, and the redaction is
 * reported. The corpus is the guardrail corpus's private-key items.
 */
import assert from 'node:assert/strict';
import type { StreamEvent } from '../../backend/src/protocol';
import { SENSITIVE } from '../fixtures/guardrail-corpus';
import { textTurn } from '../fakes/bedrock';
import { textOf, useBackendStack } from '../support/stack';
import { storedText } from './store-files';

/** A full-size key as `openssl genrsa 2048` writes it: 25 body lines of 64 characters. */
function fullSizeKey(type: string): (typeof SENSITIVE)[number] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let seed = 7;
  const body = Array.from({ length: 25 }, (_, line) =>
    Array.from(
      { length: line === 24 ? 24 : 64 },
      () => alphabet[(seed = (seed * 48271) % 2147483647) % 64],
    ).join(''),
  );
  const lines = [`-----BEGIN ${type}-----`, ...body, `-----END ${type}-----`];
  return {
    text: lines.join('\n'),
    secret: body[0]!,
    expect: ['private_key'],
    fragments: [...lines, 'PRIVATE KEY'],
  };
}

const KEYS = [
  fullSizeKey('RSA PRIVATE KEY'),
  fullSizeKey('PRIVATE KEY'),
  ...SENSITIVE.filter((item) => item.expect.includes('private_key')),
];
const DELTA_SIZES = [1, 3, 4, 7, 16, 64];

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The pieces of an item that must not survive: its secret and the corpus's fragments of it. */
function forbidden(item: (typeof KEYS)[number]): string[] {
  return [item.secret, ...(item.fragments ?? [])].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
}

describe('security: a streamed private key never leaves the server', function () {
  this.timeout(60_000);
  const stack = useBackendStack({ auth: 'none' });

  it('has key items in the corpus', () => assert.ok(KEYS.length >= 3, `${KEYS.length} key items`));

  for (const size of DELTA_SIZES) {
    it(`with ${size}-character model deltas`, async () => {
      for (const item of KEYS) {
        const answer = `Here is what I found:\n${item.text}\nThat is all.`;
        stack.bedrock.enqueue(textTurn(chunks(answer, size)));
        const { status, events } = await stack.chat({ message: 'show me the key file' });
        assert.equal(status, 200);
        assert.equal(events.at(-1)!.type, 'done');
        const shown = textOf(events);
        for (const piece of forbidden(item))
          assert.ok(!shown.includes(piece), `delta ${size}: ${JSON.stringify(piece)} reached the client`);
        assert.ok(
          events.some(
            (e: StreamEvent) =>
              e.type === 'guardrail' && e.stage === 'output' && e.categories.includes('private_key'),
          ),
          `delta ${size}: the redaction is reported`,
        );
        assert.match(shown, /^Here is what I found:/, 'the prose around the key still streams');
      }
      const files = storedText(stack.memoryDir);
      for (const item of KEYS)
        for (const piece of forbidden(item))
          assert.ok(!files.includes(piece), `delta ${size}: ${JSON.stringify(piece)} reached the store`);
    });
  }
});
