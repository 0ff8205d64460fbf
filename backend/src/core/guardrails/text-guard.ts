/**
 * A Bedrock guardrail for providers that do not apply one themselves. Converse applies
 * GUARDRAIL_ID inside the model call; for Anthropic, OpenAI-compatible servers and Gemini the
 * user's input and the model's output go through `ApplyGuardrail` instead (one call per check,
 * billed per text unit: README, "Guardrails").
 */
import {
  applyGuardrail,
  verdictOf,
  type BedrockGuardrailOptions,
  type GuardrailSource,
} from './bedrock-guardrail';

export interface TextVerdict {
  action: 'none' | 'masked' | 'blocked';
  /** The text to pass on: unchanged, masked, or empty when blocked. */
  text: string;
  categories: string[];
}

/** Throws when the check could not run: the caller fails closed. */
export type TextGuard = (text: string, source: GuardrailSource, signal: AbortSignal) => Promise<TextVerdict>;

export function createBedrockTextGuard(options: Omit<BedrockGuardrailOptions, 'onError'>): TextGuard {
  const apply = applyGuardrail(options);
  return async (text, source, signal) => verdictOf(text, await apply(text, source, signal));
}

/** Output is checked in batches of about this many characters, cut at a line or sentence end. */
export const OUTPUT_BATCH_CHARS = 800;
/**
 * Each batch is checked with this much of the text before it, so a phrase cut by a batch boundary
 * is still seen whole: a guardrail is only as good as its worst chunk boundary.
 */
export const OUTPUT_OVERLAP_CHARS = 200;

/**
 * Holds streamed text until a batch is full (or the stream ends), checks it, and releases it. A
 * blocked batch stops the answer: nothing after it is shown.
 */
export class OutputGuardBuffer {
  private pending = '';
  /** The end of the last checked batch (as the model wrote it), checked again with the next. */
  private before = '';
  blocked: TextVerdict | undefined;

  constructor(
    private readonly guard: TextGuard,
    private readonly signal: AbortSignal,
  ) {}

  /** Text ready to show after this delta (possibly none). */
  async push(delta: string): Promise<TextVerdict[]> {
    if (this.blocked) return [];
    this.pending += delta;
    if (this.pending.length < OUTPUT_BATCH_CHARS) return [];
    const cut = batchEnd(this.pending);
    const batch = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return [await this.check(batch)];
  }

  async flush(): Promise<TextVerdict[]> {
    if (this.blocked || !this.pending) return [];
    const batch = this.pending;
    this.pending = '';
    return [await this.check(batch)];
  }

  private async check(batch: string): Promise<TextVerdict> {
    const overlap = this.before;
    this.before = (overlap + batch).slice(-OUTPUT_OVERLAP_CHARS);
    let verdict = await this.guard(overlap + batch, 'OUTPUT', this.signal);
    // Masked text covers the overlap, which was already shown: mask the batch on its own instead.
    if (verdict.action === 'masked' && overlap) verdict = await this.guard(batch, 'OUTPUT', this.signal);
    if (verdict.action === 'blocked') this.blocked = verdict;
    // What passes is the batch alone: the overlap was shown with the batch before.
    return verdict.action === 'none' ? { ...verdict, text: batch } : verdict;
  }
}

/**
 * The last line or sentence end in the buffer past half a batch, else the last space (a word cut
 * at the boundary is never shown in part), else all of it.
 */
function batchEnd(text: string): number {
  for (const mark of ['\n', '. ', '! ', '? ', ' ']) {
    const at = text.lastIndexOf(mark);
    if (at >= OUTPUT_BATCH_CHARS / 2) return at + mark.length;
  }
  return text.length;
}
