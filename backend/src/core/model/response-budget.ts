/**
 * What one model response may carry. A provider stops at the request's `maxTokens` (about four
 * characters a token), but a broken or hostile server behind a base URL may stream without end,
 * and a response is held until it ends (tool input is assembled whole before it can be parsed).
 * Past the limit the call stops with an error: what was shown stays, and the conversation goes on.
 */
import { ModelError, providerLabel } from './errors';
import type { ProviderId } from './registry';
import type { ModelEvent } from './types';

/** Characters a token of output may take: room for any tokenizer (runs of spaces, base64). */
const CHARS_PER_TOKEN = 32;
/** The least any response may carry, whatever its maxTokens. */
const FLOOR_CHARS = 256 * 1024;

export function responseCharLimit(maxTokens: number): number {
  return Math.max(FLOOR_CHARS, maxTokens * CHARS_PER_TOKEN);
}

export class ResponseBudget {
  readonly limit: number;
  private used = 0;

  constructor(
    private readonly provider: ProviderId,
    private readonly maxTokens: number,
  ) {
    this.limit = responseCharLimit(maxTokens);
  }

  /** `piece`, counted against the response; throws once the response carried more than its limit. */
  take(piece: string): string {
    this.spend(piece.length);
    return piece;
  }

  /** Counts what `event` adds to the response (text, reasoning, a tool call's input and name). */
  count(event: ModelEvent): void {
    const size = (value: unknown) => (typeof value === 'string' ? value.length : 0);
    if (event.type === 'text' || event.type === 'reasoning') this.spend(size(event.text));
    else if (event.type === 'toolUse') this.spend(size(event.input) + size(event.name));
  }

  private spend(chars: number): void {
    this.used += chars;
    if (this.used > this.limit)
      throw new ModelError(
        'unavailable',
        this.provider,
        `${providerLabel(this.provider)} sent more than one answer may hold (over ${this.limit.toLocaleString('en-US')} characters for ${this.maxTokens.toLocaleString('en-US')} output tokens), so the answer was stopped. Try again; if it happens again, check the model server.`,
        { retryNow: false },
      );
  }
}
