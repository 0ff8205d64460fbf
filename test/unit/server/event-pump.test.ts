import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamEvent } from '../../../backend/src/protocol';
import { SseParser } from '../../../backend/src/protocol';
import { KEEPALIVE_COMMENT, pumpEvents } from '../../../backend/src/server/event-pump';

const text = (t: string): StreamEvent => ({ type: 'text', text: t });

/** The writes the pump made, each with the events it carried. */
async function pump(events: AsyncGenerator<StreamEvent>, keepaliveMs?: number) {
  const writes: string[] = [];
  await pumpEvents(events, (chunk) => writes.push(chunk), keepaliveMs ? { keepaliveMs } : {});
  return { writes, events: new SseParser().push(writes.join('')) };
}

describe('pumpEvents', () => {
  it('writes the first event of a pass at once and the rest of a burst together at its end, in order', async () => {
    async function* burst() {
      for (let i = 0; i < 20; i++) yield text(`t${i} `);
      yield { type: 'done', stopReason: 'end_turn' } as StreamEvent;
    }
    const { writes, events } = await pump(burst());
    assert.equal(writes.length, 2);
    assert.deepEqual(
      new SseParser().push(writes[0]!).map((e) => (e.type === 'text' ? e.text : e.type)),
      ['t0 '],
    );
    assert.deepEqual(
      events.map((e) => (e.type === 'text' ? e.text : e.type)),
      [...Array.from({ length: 20 }, (_, i) => `t${i} `), 'done'],
    );
  });

  it('writes each event before the next one exists when they arrive apart (no buffering of a whole answer)', async () => {
    const seen: string[] = [];
    const writes: string[] = [];
    async function* slow() {
      for (let i = 0; i < 3; i++) {
        await sleep(5);
        // Every earlier delta was already written when this one is produced.
        seen.push(writes.join(''));
        yield text(`d${i}`);
      }
    }
    await pumpEvents(slow(), (chunk) => writes.push(chunk));
    assert.equal(writes.length, 3);
    assert.ok(seen[0] === '', 'nothing is written before the first event exists');
    assert.ok(seen[1]!.includes('"d0"') && seen[2]!.includes('"d1"'), seen.join(' | '));
  });

  it('sends keepalive comments while the stream is silent, and none while events keep coming', async () => {
    async function* silent() {
      yield text('a');
      await sleep(130);
      yield text('b');
    }
    const quiet = await pump(silent(), 40);
    const keepalives = quiet.writes.join('').split(KEEPALIVE_COMMENT).length - 1;
    assert.ok(keepalives >= 2, quiet.writes.join(''));
    assert.deepEqual(
      quiet.events.map((e) => e.type),
      ['text', 'text'],
    );

    async function* busy() {
      for (let i = 0; i < 12; i++) {
        await sleep(10);
        yield text(`${i}`);
      }
    }
    const flowing = await pump(busy(), 40);
    assert.ok(!flowing.writes.join('').includes(KEEPALIVE_COMMENT), flowing.writes.join(''));
  });

  it('writes an event at once, before the work that follows it in the same pass', async () => {
    let writtenBeforeWork = '';
    const writes: string[] = [];
    async function* events() {
      yield text('first');
      // Synchronous work after the event (a model request being built) does not hold it back.
      writtenBeforeWork = writes.join('');
      yield text('second');
    }
    await pumpEvents(events(), (chunk) => writes.push(chunk));
    assert.ok(writtenBeforeWork.includes('"first"'), writtenBeforeWork);
  });

  it('ends a stream that throws with an error event, written before it resolves', async () => {
    async function* failing(): AsyncGenerator<StreamEvent> {
      yield text('partial');
      throw new Error('secret detail');
    }
    let reported: unknown;
    const writes: string[] = [];
    await pumpEvents(failing(), (chunk) => writes.push(chunk), { onError: (e) => (reported = e) });
    const events = new SseParser().push(writes.join(''));
    assert.deepEqual(
      events.map((e) => e.type),
      ['text', 'error'],
    );
    assert.ok(!writes.join('').includes('secret detail'));
    assert.equal((reported as Error).message, 'secret detail');
  });
});
