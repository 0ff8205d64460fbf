import assert from 'node:assert/strict';
import { encodeEvent, readEventStream, SseParser, type StreamEvent } from '../../../backend/src/protocol';

const events: StreamEvent[] = [
  { type: 'session', sessionId: 's-1', title: 'Multi\nline title', created: true },
  { type: 'text', text: 'Hello\n\nworld: "quoted" ✓ 🚀' },
  {
    type: 'tool_call',
    id: 't1',
    name: 'get_caller_identity',
    input: { nested: { a: [1, 2] } },
    readOnly: true,
  },
  { type: 'done', stopReason: 'end_turn' },
];
const wire = events.map(encodeEvent).join('');

async function* chunksOf(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('SSE framing', () => {
  it('encodes one data line per event', () => {
    assert.equal(encodeEvent({ type: 'text', text: 'a\nb' }), 'data: {"type":"text","text":"a\\nb"}\n\n');
  });

  it('parses the same events whatever the chunk boundaries, even inside multi-byte characters', async () => {
    const bytes = new TextEncoder().encode(wire);
    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      const parsed: StreamEvent[] = [];
      for await (const e of readEventStream(chunksOf(bytes, size))) parsed.push(e);
      assert.deepEqual(parsed, events, `chunk size ${size}`);
    }
  });

  it('yields an event as soon as its blank line arrives', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: {"type":"text","text":"a"}\n'), []);
    assert.deepEqual(parser.push('\n'), [{ type: 'text', text: 'a' }]);
    assert.equal(parser.pending, false);
  });

  it('accepts CRLF, comments and multi-line data as the SSE spec allows', () => {
    const parser = new SseParser();
    const out = parser.push(
      ': keep-alive\r\ndata: {"type":"done",\r\ndata: "stopReason":"cancelled"}\r\n\r\n',
    );
    assert.deepEqual(out, [{ type: 'done', stopReason: 'cancelled' }]);
  });

  it('ignores keepalive comments, event types and fields it does not know (a newer backend)', () => {
    const parser = new SseParser();
    const out = parser.push(
      ': keepalive\n\n' +
        'data: {"type":"telemetry","spans":[1]}\n\n' +
        'data: {"type":"text","text":"a","tokens":3}\n\n' +
        'data: {"type":"error","code":"quota_exhausted","message":"m","retryable":false,"hint":"x"}\n\n',
    );
    assert.deepEqual(out, [
      { type: 'text', text: 'a' },
      { type: 'error', code: 'internal', message: 'm', retryable: false },
    ]);
    assert.equal(parser.pending, false);
  });

  it('rejects malformed known events and streams cut mid-event', async () => {
    assert.throws(() => new SseParser().push('data: {"type":"text"}\n\n'), /unknown event/);
    assert.throws(() => new SseParser().push('data: {"text":"a"}\n\n'), /unknown event/);
    assert.throws(() => new SseParser().push('data: {oops\n\n'), /not JSON/);
    const cut = new TextEncoder().encode('data: {"type":"text","text":"a"}\n\ndata: {"type":"te');
    const seen: StreamEvent[] = [];
    await assert.rejects(async () => {
      for await (const e of readEventStream(chunksOf(cut, 5))) seen.push(e);
    }, /ended in the middle of an event/);
    assert.deepEqual(seen, [{ type: 'text', text: 'a' }]);
  });
});
