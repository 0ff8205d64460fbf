/**
 * A wire-level Anthropic API fake: `POST /v1/messages` answered with the Messages stream as
 * server-sent events (`event: <type>` + `data: <json>`), `GET /v1/models` with a model page, and
 * HTTP errors as `{type:'error', error:{type, message}}`. Plays scripts the test queues (delays,
 * gates, mid-stream cuts, hangs); records every request and whether the client aborted it.
 *
 * Shapes checked against the types of `@anthropic-ai/sdk` 1.17.0 (`RawMessageStreamEvent`,
 * `Usage`, `MessageDeltaUsage`, `ModelInfo` in resources/messages and resources/models) and its
 * `core/streaming` parser (an `event: error` frame becomes an `APIError`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ControlStep, type RecordedRequest, ScriptServer } from './script-server';

export { delay, gate, split, type RecordedRequest } from './script-server';

export type Step = { kind: 'event'; event: string; data: unknown } | ControlStep;

export interface Script {
  httpError?: { status: number; type: string; message: string; headers?: Record<string, string> };
  steps: Step[];
}

export const ev = (event: string, data: unknown): Step => ({ kind: 'event', event, data });

export interface TurnUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export function messageStart(usage: TurnUsage = {}): Step {
  return ev('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model: 'claude-fake',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: usage.input ?? 10,
        output_tokens: 1,
        cache_read_input_tokens: usage.cacheRead ?? 0,
        cache_creation_input_tokens: usage.cacheWrite ?? 0,
      },
    },
  });
}

export function messageEnd(stopReason: string, output = 5): Step[] {
  return [
    ev('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: output },
    }),
    ev('message_stop', { type: 'message_stop' }),
  ];
}

export const textStart = (index: number): Step =>
  ev('content_block_start', {
    type: 'content_block_start',
    index,
    content_block: { type: 'text', text: '' },
  });
export const textDelta = (index: number, text: string): Step =>
  ev('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
export const blockStop = (index: number): Step =>
  ev('content_block_stop', { type: 'content_block_stop', index });

/** A complete text answer, streamed as the given deltas (a gate step may sit among them). */
export function textTurn(pieces: (string | Step)[], usage: TurnUsage = {}, stopReason = 'end_turn'): Script {
  const steps: Step[] = [messageStart(usage), textStart(0)];
  for (const piece of pieces) steps.push(typeof piece === 'string' ? textDelta(0, piece) : piece);
  steps.push(blockStop(0), ...messageEnd(stopReason, usage.output));
  return { steps };
}

/** A turn that asks for tools; each input's JSON is streamed in pieces of `pieceSize` characters. */
export function toolTurn(
  calls: { id: string; name: string; input: unknown }[],
  options: { preamble?: string; pieceSize?: number; thinking?: { text: string; signature: string } } = {},
): Script {
  const steps: Step[] = [messageStart()];
  let index = 0;
  if (options.thinking) {
    steps.push(
      ev('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      }),
      ev('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'thinking_delta', thinking: options.thinking.text },
      }),
      ev('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'signature_delta', signature: options.thinking.signature },
      }),
      blockStop(index++),
    );
  }
  if (options.preamble) steps.push(textStart(index), textDelta(index, options.preamble), blockStop(index++));
  for (const call of calls) {
    steps.push(
      ev('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
      }),
    );
    const json = JSON.stringify(call.input);
    const size = options.pieceSize ?? 4;
    for (let i = 0; i < json.length; i += size)
      steps.push(
        ev('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: json.slice(i, i + size) },
        }),
      );
    steps.push(blockStop(index++));
  }
  steps.push(...messageEnd('tool_use'));
  return { steps };
}

export function httpError(
  status: number,
  type: string,
  message: string,
  headers?: Record<string, string>,
): Script {
  return { httpError: { status, type, message, ...(headers ? { headers } : {}) }, steps: [] };
}

/** An `event: error` frame after some of the answer streamed (an overload mid-stream). */
export function streamError(type: string, message: string, before: Step[] = []): Script {
  return {
    steps: [messageStart(), ...before, ev('error', { type: 'error', error: { type, message } })],
  };
}

export class AnthropicFake extends ScriptServer<Step, Script> {
  models: { id: string; display_name: string }[] = [
    { id: 'claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5' },
    { id: 'claude-haiku-4-5', display_name: 'Claude Haiku 4.5' },
  ];
  /** Models listed after a `has_more` page, to prove the client pages. */
  moreModels: { id: string; display_name: string }[] = [];
  fallback: Script = textTurn(['(no scripted turn)']);

  protected frame(step: Step): string {
    const { event, data } = step as { event: string; data: unknown };
    return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  }

  protected async route(req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      const after = new URL(req.url ?? '', 'http://x').searchParams.get('after_id');
      const page = after ? this.moreModels : this.models;
      const data = page.map((m) => ({ type: 'model', created_at: '2025-09-29T00:00:00Z', ...m }));
      return this.json(
        res,
        recorded,
        200,
        {
          data,
          has_more: !after && this.moreModels.length > 0,
          first_id: data[0]?.id ?? null,
          last_id: data.at(-1)?.id ?? null,
        },
        ID,
      );
    }
    if (req.method !== 'POST' || path !== '/v1/messages') {
      return this.json(
        res,
        recorded,
        404,
        { type: 'error', error: { type: 'not_found_error', message: 'Not found' } },
        ID,
      );
    }
    const script = this.nextScript();
    if (script.httpError) {
      const { status, type, message, headers } = script.httpError;
      return this.json(
        res,
        recorded,
        status,
        { type: 'error', error: { type, message } },
        { ...ID, ...headers },
      );
    }
    await this.play(res, recorded, script.steps, ID);
  }
}

const ID = { 'request-id': 'req_fake' };
