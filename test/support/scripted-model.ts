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

/** What a request weighs here: system, note, tools and messages as JSON, in characters. */
export const requestChars = (r: ModelRequest): number =>
  r.system.length +
  (r.systemNote?.length ?? 0) +
  JSON.stringify(r.tools).length +
  JSON.stringify(r.messages).length;

export interface WindowedModel extends ScriptedModel {
  /** The requests refused as too long (they are in `requests` too). */
  refused: ModelRequest[];
}

/**
 * `model` behind a real context window: a request of more than `windowTokens` tokens, counted at
 * `charsPerToken` characters a token, is refused as too long before anything streams, as providers
 * refuse it. Answers report the input tokens counted that way, as providers report them.
 */
export function withWindow(model: ScriptedModel, windowTokens: number, charsPerToken = 4): WindowedModel {
  const refused: ModelRequest[] = [];
  return {
    provider: model.provider,
    modelId: model.modelId,
    requests: model.requests,
    refused,
    async *stream(request, signal) {
      const tokens = Math.ceil(requestChars(request) / charsPerToken);
      if (tokens > windowTokens) {
        const copy = structuredClone(request);
        model.requests.push(copy);
        refused.push(copy);
        throw new ModelError(
          'context_too_long',
          model.provider,
          `The conversation is too long for the model. prompt is too long: ${tokens} tokens > ${windowTokens} maximum`,
        );
      }
      for await (const event of model.stream(request, signal))
        yield event.type === 'usage' ? { ...event, usage: { ...event.usage, inputTokens: tokens } } : event;
    },
  };
}
