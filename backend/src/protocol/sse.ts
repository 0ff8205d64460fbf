/**
 * Server-sent-events framing of the chat stream: one `data: <json>` line and a blank line per
 * event. The parser is incremental so clients render each event the moment its bytes arrive.
 */
import { CloudEngineerError } from './failures';
import { StreamEvent } from './schemas';

export function encodeEvent(event: StreamEvent): string {
  // JSON.stringify never emits a raw newline, so one data line always holds the whole event.
  return `data: ${JSON.stringify(event)}\n\n`;
}

/** A stream that breaks the framing: to its reader, the backend's answer never usably arrived. */
export class SseProtocolError extends CloudEngineerError {
  override readonly name = 'SseProtocolError';
  readonly code = 'unreachable';
}

/**
 * Feeds text chunks in, gets whole events out. Comment lines (`: keepalive`), unknown fields and
 * events of a type this client does not know are ignored: a newer backend never breaks it.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];

  push(chunk: string): StreamEvent[] {
    this.buffer += chunk;
    const events: StreamEvent[] = [];
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      if (line === '') {
        const event = this.data.length > 0 ? parseEventData(this.data.join('\n')) : undefined;
        if (event) events.push(event);
        this.data = [];
      } else if (line.startsWith('data:')) {
        this.data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
    return events;
  }

  /** True when bytes of an unfinished event are still waiting: the stream was cut mid-event. */
  get pending(): boolean {
    return this.buffer.length > 0 || this.data.length > 0;
  }
}

/** The event types this client knows; a newer backend may send others, which are skipped. */
const KNOWN_TYPES: ReadonlySet<unknown> = new Set(StreamEvent.options.map((o) => o.shape.type.value));

function parseEventData(data: string): StreamEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (cause) {
    throw new SseProtocolError('the stream carried an event that is not JSON', { cause });
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && !KNOWN_TYPES.has(type)) return undefined;
  const parsed = StreamEvent.safeParse(json);
  if (!parsed.success)
    throw new SseProtocolError(`the stream carried an unknown event: ${parsed.error.message}`);
  return parsed.data;
}

/** Reads a fetch body (or any byte stream) as contract events. */
export async function* readEventStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<StreamEvent> {
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for await (const chunk of body) {
    yield* parser.push(decoder.decode(chunk, { stream: true }));
  }
  yield* parser.push(decoder.decode());
  if (parser.pending) throw new SseProtocolError('the stream ended in the middle of an event');
}
