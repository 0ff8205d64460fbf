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
  // A label and its value stay together (DB_PASSWORD: '…').
  // Held from the start of the whole identifier (client_secret, DB_PASSWORD), as the detector reads it.
  /(?<![\w-])[\w-]*(?:secret|password|passwd|pwd|key|token|api)[\w-]*["']?\s*[:=]?\s*["']?\S*$/i,
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
    // Any PEM block from its first dashes until its END line is complete: the header alone
    // ("-----BEGIN RSA PRIVATE KEY") is not recognizable until its closing dashes arrive.
    const openKey = text.search(/-----BEGIN(?![\s\S]*-----END [A-Z0-9 ]*-----)/);
    let cut = openKey >= 0 ? openKey : text.length;
    for (const tail of RISKY_TAILS) {
      const match = tail.exec(text);
      if (match) cut = Math.min(cut, match.index);
    }
    // Never cut inside a complete PEM block: its END line is part of what gets redacted.
    for (const block of text.matchAll(/-----BEGIN[\s\S]*?-----END [A-Z0-9 ]*-----/g)) {
      if (cut > block.index && cut < block.index + block[0].length) cut = block.index;
    }
    if (text.length - cut > MAX_HOLD) cut = text.length - MAX_HOLD;
    // A cut never splits a token: a secret cut in two matches no detector on either side.
    while (cut > 0 && cut < text.length && /\S/.test(text[cut - 1]!) && /\S/.test(text[cut]!)) cut--;
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
