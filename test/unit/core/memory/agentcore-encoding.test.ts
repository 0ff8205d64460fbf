import assert from 'node:assert/strict';
import { loadConfig } from '../../../../backend/src/core/config';
import {
  encodeMetadataValue,
  eventsToRecords,
  MAX_CONVERSATIONAL_CHARS,
  METADATA_MAX_ENTRIES,
  METADATA_VALUE_MAX,
  METADATA_VALUE_PATTERN,
  recordToEvents,
  replayTurns,
  splitForJson,
  splitText,
  type ReadEvent,
  type SessionRecord,
} from '../../../../backend/src/core/memory/agentcore/encoding';
import type { StoredTurn } from '../../../../backend/src/core/memory/types';

const scope = { actorId: 'u1', sessionId: 's1' };

/** The encoding read back: no two values share one encoded form. */
function decodeMetadataValue(encoded: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length;) {
    const hex = encoded[i] === '=' ? encoded.slice(i + 1, i + 3) : '';
    assert.ok(encoded[i] !== '=' || /^[0-9A-F]{2}$/.test(hex), `a bare = in ${encoded}`);
    if (hex) {
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      bytes.push(...Buffer.from(encoded[i]!, 'utf8'));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
const turn = (text: string, extra: Partial<StoredTurn> = {}): StoredTurn => ({
  role: 'user',
  text,
  createdAt: '2026-11-01T00:00:00.000Z',
  status: 'complete',
  ...extra,
});

/** Events as ListEvents would return them: all in one second, in a scrambled order. */
function asListed(
  records: { seq: number; record: SessionRecord }[],
  gen = 'g1',
  blobChars?: number,
): ReadEvent[] {
  const events = records.flatMap(({ seq, record }) =>
    recordToEvents(scope, { gen, seq }, record, blobChars).map((d, i) => ({
      eventId: `1000#${seq}-${i}`,
      eventTimestamp: new Date(1_000_000),
      payload: d.payload,
    })),
  );
  // A fixed shuffle: reversed, then every other one first.
  const reversed = events.reverse();
  return [...reversed.filter((_, i) => i % 2 === 0), ...reversed.filter((_, i) => i % 2 === 1)];
}

describe('agentcore memory encoding', () => {
  describe('metadata values', () => {
    it('pass plain values unchanged and escape everything else into the service alphabet', () => {
      assert.equal(encodeMetadataValue('cost-review_2026.v1:a/b+c@d'), 'cost-review_2026.v1:a/b+c@d');
      const hostile = [
        'a#b',
        'x=y',
        '100%',
        'tab\tnew\nline',
        'é ✓ 🚀',
        '<script>',
        '"quoted"',
        '=41',
        '\u0000',
      ];
      for (const value of hostile) {
        const encoded = encodeMetadataValue(value)!;
        assert.match(encoded, METADATA_VALUE_PATTERN);
        assert.doesNotMatch(encoded, /[\t\n]/);
        assert.equal(decodeMetadataValue(encoded), value, value);
      }
      assert.equal(encodeMetadataValue('x=y'), 'x=3Dy');
      assert.equal(encodeMetadataValue('é'), '=C3=A9');
    });

    it('refuse values the service would reject for length', () => {
      assert.equal(encodeMetadataValue('a'.repeat(METADATA_VALUE_MAX))?.length, METADATA_VALUE_MAX);
      assert.equal(encodeMetadataValue('a'.repeat(METADATA_VALUE_MAX + 1)), undefined);
      assert.equal(encodeMetadataValue('#'.repeat(90)), undefined); // 270 once escaped
    });
  });

  describe('splitting', () => {
    it('never cuts a surrogate pair and joins back to the original', () => {
      const text = '🚀'.repeat(10) + 'abc' + '✓'.repeat(5);
      for (const size of [2, 3, 5, 7]) {
        const pieces = splitText(text, size);
        assert.equal(pieces.join(''), text);
        for (const p of pieces) {
          assert.ok(p.length <= size);
          assert.equal(Buffer.from(p, 'utf8').toString('utf8'), p, 'each piece is well-formed');
        }
      }
      assert.deepEqual(splitText('', 10), []);
      assert.throws(() => splitText('abc', 1), RangeError);
    });

    it('measures pieces of record JSON as they travel: escapes and UTF-8 bytes included', () => {
      const nasty = JSON.stringify({ a: '"q"\\b\n\u0001', e: 'é✓🚀', lone: '\ud800x' }).repeat(500);
      for (const max of [6, 7, 64, 1000]) {
        const pieces = splitForJson(nasty, max);
        assert.equal(pieces.join(''), nasty);
        for (const p of pieces) {
          assert.ok(Buffer.byteLength(JSON.stringify(p), 'utf8') - 2 <= max, `${max}: ${p}`);
          assert.ok(p.length > 0);
        }
      }
      assert.throws(() => splitForJson('x', 5), RangeError);
    });

    it('splits a 300 KB tool result into events within the service limits', () => {
      const big = 'r'.repeat(300 * 1024);
      const long = 'w'.repeat(MAX_CONVERSATIONAL_CHARS * 2 + 5);
      const record: SessionRecord = {
        k: 'turn',
        index: 3,
        turn: turn(long, {
          role: 'assistant',
          messages: [
            { role: 'user', content: [{ type: 'toolResult', toolUseId: 't', status: 'success', text: big }] },
          ],
        }),
      };
      const drafts = recordToEvents(scope, { gen: 'g1', seq: 7 }, record, 64 * 1024);
      assert.equal(drafts.length, 5); // 325 KB of JSON in 64 KB pieces
      const said: string[] = [];
      for (const d of drafts) {
        assert.ok(Object.keys(d.metadata).length <= METADATA_MAX_ENTRIES);
        for (const v of Object.values(d.metadata)) assert.match(v.stringValue, METADATA_VALUE_PATTERN);
        for (const p of d.payload) {
          if ('blob' in p) assert.ok(Buffer.byteLength(JSON.stringify(p.blob.d)) - 2 <= 64 * 1024);
          else {
            assert.ok(p.conversational.content.text.length <= MAX_CONVERSATIONAL_CHARS);
            assert.equal(p.conversational.role, 'ASSISTANT');
            said.push(p.conversational.content.text);
          }
        }
      }
      assert.equal(said.join(''), long);
      assert.equal(new Set(drafts.map((d) => d.clientToken)).size, drafts.length);
      assert.deepEqual(
        recordToEvents(scope, { gen: 'g1', seq: 7 }, record, 64 * 1024).map((d) => d.clientToken),
        drafts.map((d) => d.clientToken),
        'tokens are derived, so a retry repeats them',
      );
      const [back] = eventsToRecords(asListed([{ seq: 7, record }], 'g1', 64 * 1024), 'g1');
      assert.deepEqual(back, { ...record, seq: 7 });
    });

    it('keeps blocked text away from long-term extraction', () => {
      const [draft] = recordToEvents(
        scope,
        { gen: 'g', seq: 1 },
        { k: 'turn', index: 0, turn: turn('[blocked]', { status: 'blocked' }) },
      );
      assert.ok(draft!.payload.every((p) => !('conversational' in p)));
      assert.equal(draft!.skipExtraction, true);
      const [plain] = recordToEvents(
        scope,
        { gen: 'g', seq: 2 },
        { k: 'turn', index: 1, turn: turn('hello') },
      );
      assert.equal(plain!.skipExtraction, false);
      const [title] = recordToEvents(scope, { gen: 'g', seq: 3 }, { k: 'title', title: 'x' });
      assert.equal(title!.skipExtraction, true);
    });
  });

  describe('reading back', () => {
    it('orders records by sequence number, whatever order events with one timestamp come in', () => {
      const records = Array.from({ length: 12 }, (_, i) => ({
        seq: i + 1,
        record: { k: 'turn', index: i, turn: turn(`t${i}`) } as SessionRecord,
      }));
      const back = eventsToRecords(asListed(records), 'g1');
      assert.deepEqual(
        back.map((r) => r.seq),
        records.map((r) => r.seq),
      );
      assert.deepEqual(
        [...replayTurns(back).values()].map((t) => t.text),
        records.map((_, i) => `t${i}`),
      );
    });

    it('drops a record missing a part, another incarnation’s records and events it did not write', () => {
      const whole: SessionRecord = { k: 'turn', index: 0, turn: turn('kept') };
      const torn: SessionRecord = { k: 'turn', index: 1, turn: turn('x'.repeat(5000)) };
      const events = asListed(
        [
          { seq: 1, record: whole },
          { seq: 2, record: torn },
        ],
        'g1',
        1000,
      );
      const withoutOnePart = events.filter((e) => e.eventId !== '1000#2-3');
      const foreign: ReadEvent[] = [
        {
          eventId: 'f1',
          payload: [{ conversational: { role: 'USER', content: { text: 'written by someone else' } } }],
        },
        { eventId: 'f2', payload: [{ blob: { v: 1, gen: 'g1', seq: 9, part: 0, parts: 1, d: 'not json' } }] },
        { eventId: 'f3', payload: [{ blob: '{"v":2}' }] },
        ...asListed([{ seq: 3, record: { k: 'turn', index: 2, turn: turn('old life') } }], 'g0'),
      ];
      const back = eventsToRecords(
        [...withoutOnePart, ...foreign, ...events.filter((e) => e.eventId?.startsWith('1000#1-'))],
        'g1',
      );
      assert.deepEqual(
        back.map((r) => r.seq),
        [1],
      );
      assert.equal(eventsToRecords(events, 'g1').length, 2);
    });

    it('replays an amended turn over the original', () => {
      const turns = replayTurns([
        { k: 'turn', index: 0, turn: turn('rude') },
        { k: 'turn', index: 1, turn: turn('answer', { role: 'assistant' }) },
        { k: 'title', title: 'x' },
        { k: 'turn', index: 0, turn: turn('[blocked]', { status: 'blocked' }) },
      ]);
      assert.deepEqual(
        [...turns.values()].map((t) => [t.text, t.status]),
        [
          ['[blocked]', 'blocked'],
          ['answer', 'complete'],
        ],
      );
    });
  });

  describe('MEMORY_ID', () => {
    const base = { AUTH_MODE: 'none', MEMORY_STORE: 'agentcore', MEMORY_TABLE: 'index' };
    it('accepts a memory id or its ARN', () => {
      for (const id of [
        'cloudEngineerMemory-AbCdEf1234',
        'arn:aws:bedrock-agentcore:us-east-1:123456789012:memory/mem_1-AbCdEf1234',
      ])
        assert.equal(loadConfig({ ...base, MEMORY_ID: id }).memory.memoryId, id);
    });
    it('rejects anything else at start-up, naming the variable', () => {
      for (const id of ['short', 'mem-AbCdEf1234/../x', 'mem AbCdEf1234', '1mem-AbCdEf1234'])
        assert.throws(() => loadConfig({ ...base, MEMORY_ID: id }), /MEMORY_ID/);
    });
  });
});
