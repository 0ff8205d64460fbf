/** The extension's connections against a running backend: reading a chat, stopping one. */
import assert from 'node:assert/strict';
import type { StreamEvent } from '../../backend/src/protocol';
import type { AgentConnection } from '../../extension/connection/types';
import { textTurn, type BedrockFake } from '../fakes/bedrock';
import { eventually } from './stack';

/** Every event of a stream, in order. */
export async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

/**
 * Stops a slow answer at its first text, as the Stop button does, and checks the outcome: the
 * session keeps the turn as interrupted and the model call was cancelled. A relay that buffered
 * the answer would deliver its first text only with `done`, too late to interrupt.
 */
export async function stopAtFirstText(connection: AgentConnection, bedrock: BedrockFake): Promise<void> {
  bedrock.enqueue(textTurn(['slow ', 'slow ', 'slow ', 'slow ', 'slow'], { gapMs: 400 }));
  const abort = new AbortController();
  let sessionId = '';
  for await (const e of connection.chat({ message: 'take your time' }, abort.signal)) {
    if (e.type === 'session') sessionId = e.sessionId;
    if (e.type === 'text') abort.abort();
  }
  await eventually(async () => {
    const { turns } = await connection.invoke({ action: 'getSession', sessionId });
    assert.deepEqual(
      turns.map((t) => t.status),
      ['complete', 'interrupted'],
    );
  });
  assert.equal(bedrock.requests.at(-1)!.aborted, true, 'the model call was cancelled');
}
