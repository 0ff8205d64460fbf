/**
 * Redacts a stream of text deltas without buffering the answer: text is passed on as soon as it
 * cannot be the start of something sensitive. Held back is only the risky tail: an unfinished
 * word (an e-mail, a key, a token), a run of digits and separators (a card, a phone number), a
 * labeled secret, a private-key block still open.
 */
import type { Category } from './detectors';
import { redactText } from './policy';

/** Past this, the tail is let go even if it still looks risky, so a long table of numbers streams. */
const MAX_HOLD = 512;

const RISKY_TAILS: readonly RegExp[] = [
  /\S+$/, // an unfinished word
  /(?:\+|\()?[\d(][\d\s().+-]*$/, // digits with separators: cards, phones, SSNs
  /\bBearer(?:\s+\S*)?$/i,
  /\b(?:secret|password|passwd|pwd|key|token)\w*["']?\s*[:=]?\s*["']?\S*$/i,
  /-{1,5}(?:[A-Z0-9 ]*)$/, // the start of a -----BEGIN line
];

export class StreamRedactor {
  private pending = '';
  private readonly seen = new Set<Category>();

  /** Text safe to show now, and categories redacted for the first time. */
  push(delta: string): { text: string; categories: Category[] } {
    this.pending += delta;
    const cut = this.safeCut();
    return this.emit(cut);
  }

  /** The end of the stream: everything left, redacted. */
  flush(): { text: string; categories: Category[] } {
    return this.emit(this.pending.length);
  }

  private safeCut(): number {
    const text = this.pending;
    const openKey = text.search(/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?![\s\S]*-----END)/);
    let cut = openKey >= 0 ? openKey : text.length;
    for (const tail of RISKY_TAILS) {
      const match = tail.exec(text);
      if (match) cut = Math.min(cut, match.index);
    }
    if (text.length - cut > MAX_HOLD) cut = text.length - MAX_HOLD;
    return cut;
  }

  private emit(cut: number): { text: string; categories: Category[] } {
    if (cut <= 0) return { text: '', categories: [] };
    const { text, categories } = redactText(this.pending.slice(0, cut));
    this.pending = this.pending.slice(cut);
    const fresh = categories.filter((c) => !this.seen.has(c));
    for (const c of fresh) this.seen.add(c);
    return { text, categories: fresh };
  }
}
