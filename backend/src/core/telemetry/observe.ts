/**
 * Reads a chat turn's telemetry off the events the client gets: the first text delta, tool calls
 * and their results, approval requests, guardrail notices, usage, and how the turn ended. The
 * events pass through unchanged; a stream that stops early (client gone) ends the turn as
 * `cancelled`.
 */
import type { StreamEvent } from '../../protocol';
import type { ToolCallTelemetry, TurnEnd, TurnTelemetry } from './types';

export async function* observeTurn(
  turn: TurnTelemetry,
  events: AsyncIterable<StreamEvent>,
): AsyncGenerator<StreamEvent> {
  const open = new Map<string, ToolCallTelemetry>();
  let inputTokens = 0;
  let outputTokens = 0;
  let cache: Pick<TurnEnd, 'cacheReadTokens' | 'cacheWriteTokens'> = {};
  let ended = false;
  // Calls still open when the turn ends are waiting for approval (or were cut off): pending.
  const finish = (result: TurnEnd) => {
    for (const call of open.values()) call.end('pending');
    open.clear();
    turn.end(result);
    ended = true;
  };
  try {
    for await (const event of events) {
      switch (event.type) {
        case 'text':
          turn.firstToken();
          break;
        case 'tool_call':
          open.set(event.id, turn.toolCall(event.name, event.id));
          break;
        case 'tool_result':
          (open.get(event.id) ?? turn.toolCall(event.name, event.id)).end(event.status);
          open.delete(event.id);
          break;
        case 'approval_required':
          turn.approval('requested', event.name);
          break;
        case 'guardrail':
          turn.guardrail(event.stage, event.categories);
          break;
        case 'usage':
          inputTokens = event.inputTokens;
          outputTokens = event.outputTokens;
          cache = {
            ...(event.cacheReadTokens ? { cacheReadTokens: event.cacheReadTokens } : {}),
            ...(event.cacheWriteTokens ? { cacheWriteTokens: event.cacheWriteTokens } : {}),
          };
          break;
        case 'error':
          finish({ outcome: 'error', errorCode: event.code, inputTokens, outputTokens, ...cache });
          break;
        case 'done':
          finish({
            outcome: event.stopReason === 'cancelled' ? 'cancelled' : 'done',
            stopReason: event.stopReason,
            inputTokens,
            outputTokens,
            ...cache,
          });
          break;
      }
      yield event;
    }
  } finally {
    // The turn ends even if the client left.
    if (!ended) finish({ outcome: 'cancelled', inputTokens, outputTokens });
  }
}
