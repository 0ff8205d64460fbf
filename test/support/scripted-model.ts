/**
 * A model edge for unit and in-process tests that plays scripted responses in the project's own
 * event types (each adapter has wire-level tests of its own against its provider's fake).
 */
import { ModelError } from '../../backend/src/core/model/errors';
import type { Model, ModelEvent, ModelRequest, StopReason } from '../../backend/src/core/model/types';

export type ScriptedResponse = ModelEvent[] | ModelError;

export interface ScriptedModel extends Model {
  requests: ModelRequest[];
}

/** Plays `responses` in order; with none left, answers `fallback` (default: the text "ok"). */
export function scripted(
  responses: ScriptedResponse[] = [],
  fallback: () => ScriptedResponse = () => text('ok'),
): ScriptedModel {
  const requests: ModelRequest[] = [];
  return {
    provider: 'bedrock',
    modelId: 'm',
    requests,
    async *stream(request) {
      requests.push(structuredClone(request));
      const next = responses.shift() ?? fallback();
      if (next instanceof ModelError) throw next;
      yield* next;
    },
  };
}

export const usage = (inputTokens: number, outputTokens = 1): ModelEvent => ({
  type: 'usage',
  usage: { inputTokens, outputTokens },
});

export const text = (t: string, reason: StopReason = 'end_turn'): ModelEvent[] => [
  { type: 'text', text: t },
  { type: 'stop', reason },
  usage(10),
];

export const toolUse = (id: string, name: string, json = '{}'): ModelEvent[] =>
  toolUses([{ id, name, json }]);

export const toolUses = (calls: { id: string; name: string; json?: string }[]): ModelEvent[] => [
  ...calls.map((c): ModelEvent => ({
    type: 'toolUse',
    toolUseId: c.id,
    name: c.name,
    input: c.json ?? '{}',
  })),
  { type: 'stop', reason: 'tool_use' },
  usage(10),
];

export const stopOnly = (reason: StopReason): ModelEvent[] => [{ type: 'stop', reason }];
