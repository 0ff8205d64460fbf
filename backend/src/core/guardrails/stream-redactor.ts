/**
 * Redacts a stream of text deltas without buffering the answer: text is passed on as soon as it
 * cannot be the start of something sensitive. Held back is only the risky tail: an unfinished
 * word (an e-mail, a key, a token), a run of digits and separators (a card, a phone number), a
 * labeled secret, the start of a private-key header.
 *
 * A private-key block is different: from its opening line on, nothing of it leaves until its
 * closing line has arrived, and then it leaves as one `[REDACTED:PRIVATE_KEY]`. A block that grows
 * past `maxKeyHold` or is still open at a flush is redacted there, and the rest of it is dropped
 * up to its closing line: an overflow redacts, it never releases.
 */
import type { Category } from './detectors';
import { KEY_CLOSE, KEY_OPEN, KEY_OPEN_PREFIX } from './key-blocks';
import { foldForMatching, originalOffset, type FoldedText } from './normalize';
import { findSecrets, redactFrom } from './policy';

export interface StreamRedactorOptions {
  /** Past this, the head of a risky tail is redacted and let go, so a long table of numbers streams. */
  maxHold?: number;
  /** Past this, an open private-key block is redacted and the rest of it dropped. */
  maxKeyHold?: number;
}

const DEFAULTS = { maxHold: 512, maxKeyHold: 16_384 };
/** What an overflow keeps held: longer than any secret that could straddle the release point. */
const KEEP_TAIL = 256;
/** Shown text read again as context (a label, a lookbehind) when the next part is redacted. */
const CONTEXT = 24;
/** A closing line split across deltas is found again when the next delta arrives. */
const CLOSE_OVERLAP = 96;
const KEY_MARKER = '[REDACTED:PRIVATE_KEY]';

/**
 * Risky tails that depend on what precedes the last token or digit run (found by a backward scan,
 * see safeCut): read on the last stretch of text only, never on the whole hold.
 */
const LABELED_TAILS: readonly RegExp[] = [
  /\b(?:Bearer|Basic|Token|Digest)(?:\s+\S*)?$/i,
  // A label and its value stay together (DB_PASSWORD: '…', --db-pass …), held from the start of the name.
  /(?<![\w.:/-])[\w.-]*(?:pass|pwd|secret|key|token|api|auth|cred)[\w.-]*\\?["']?[ \t]*(?:[:=]|=>)?[ \t]*\\?["']?(?:(?:Basic|Bearer|Token|Digest)[ \t]+)?\S*$/i,
  /\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?)\W{0,12}[\d .]*$/i,
];
/** How far before the last token or digit run a label, a scheme or an SSN label can start. */
const LABEL_REACH = 100;
/** The longest partial opening line of a key block. */
const OPEN_PREFIX_REACH = 80;

export class StreamRedactor {
  private readonly maxHold: number;
  private readonly maxKeyHold: number;
  /** Text not shown yet, outside a key block. */
  private pending = '';
  /** The end of what was shown, as written (not redacted). */
  private context = '';
  /** An open private-key block: what is held of it, and whether its marker was shown. */
  private key: { held: string; scanned: number; shown: boolean } | undefined;
  private readonly seen = new Set<Category>();
  /** The last reading held all of `pending` back. */
  private heldAll = false;

  constructor(options: StreamRedactorOptions = {}) {
    this.maxHold = options.maxHold ?? DEFAULTS.maxHold;
    this.maxKeyHold = options.maxKeyHold ?? DEFAULTS.maxKeyHold;
  }

  /** Text safe to show now, and categories redacted for the first time. */
  push(delta: string): { text: string; categories: Category[] } {
    return this.run(delta, false);
  }

  /**
   * A break in the text (another event follows, or the stream ends): everything held, redacted.
   * A key block still open stays open: what follows is dropped until its closing line.
   */
  flush(): { text: string; categories: Category[] } {
    return this.run('', true);
  }

  private run(input: string, flushing: boolean): { text: string; categories: Category[] } {
    let text = '';
    const categories: Category[] = [];
    const note = (found: Category[]) => {
      for (const c of found) {
        if (this.seen.has(c)) continue;
        this.seen.add(c);
        categories.push(c);
      }
    };
    for (;;) {
      if (this.key) {
        const key = this.key;
        key.held += input;
        const close = this.findClose(flushing);
        if (close === undefined) {
          if (flushing || key.held.length > this.maxKeyHold) {
            if (!key.shown) {
              text += KEY_MARKER;
              note(['private_key']);
            }
            key.shown = true;
            // Keep only enough to find the closing line when it comes.
            const keep = Math.min(key.held.length, CLOSE_OVERLAP);
            key.held = key.held.slice(key.held.length - keep);
            key.scanned = 0;
          }
          break;
        }
        if (!key.shown) {
          text += KEY_MARKER;
          note(['private_key']);
        }
        this.context = key.held.slice(0, close).slice(-CONTEXT);
        input = key.held.slice(close);
        this.key = undefined;
        continue;
      }
      const growing = this.heldAll && !flushing && /\S$/.test(this.pending) && !/\s/.test(input);
      this.pending += input;
      if (growing && !this.opensKey(input.length)) {
        // A token that was held whole only grew: it is still held whole. (Skipping the full
        // reading keeps a long unbroken token, a URL or a blob, linear instead of quadratic.)
        break;
      }
      input = '';
      const folded = foldForMatching(this.pending);
      const open = this.findOpen(folded);
      if (open >= 0) {
        const shown = this.emit(open);
        text += shown.text;
        note(shown.categories);
        this.key = { held: this.pending, scanned: 0, shown: false };
        this.pending = '';
        continue;
      }
      const cut = flushing ? this.pending.length : this.safeCut(folded);
      this.heldAll = cut === 0 && this.pending.length > 0;
      const shown = this.emit(cut);
      text += shown.text;
      note(shown.categories);
      break;
    }
    return { text, categories };
  }

  /** Could the last `added` characters have completed an opening line? */
  private opensKey(added: number): boolean {
    const tail = this.pending.slice(Math.max(0, this.pending.length - added - OPEN_PREFIX_REACH));
    KEY_OPEN.lastIndex = 0;
    return KEY_OPEN.test(foldForMatching(tail).text);
  }

  /** Where an opening line starts in `pending`, or -1. */
  private findOpen(folded: FoldedText): number {
    KEY_OPEN.lastIndex = 0;
    const m = KEY_OPEN.exec(folded.text);
    return m ? originalOffset(folded, m.index, this.pending.length) : -1;
  }

  /**
   * Where the open block's closing line ends in `held`, or undefined. Mid-stream a closing line
   * at the very end may still grow (more dashes, more MAC digits): wait for the next character.
   */
  private findClose(final: boolean): number | undefined {
    const key = this.key!;
    let from = Math.max(0, key.scanned - CLOSE_OVERLAP);
    if (from > 0 && /[\uDC00-\uDFFF]/.test(key.held[from]!)) from--;
    const region = key.held.slice(from);
    key.scanned = key.held.length;
    const folded = foldForMatching(region);
    KEY_CLOSE.lastIndex = 0;
    const m = KEY_CLOSE.exec(folded.text);
    if (!m) return undefined;
    const end = m.index + m[0].length;
    if (end === folded.text.length && !final) return undefined;
    return from + originalOffset(folded, end, region.length);
  }

  /** How much of `pending` can be shown: all but the risky tail. */
  private safeCut(folded: FoldedText): number {
    const text = folded.text;
    // The unfinished word, and a run of digits with separators (cards, phones, SSNs).
    let cut = Math.min(tokenStart(text), digitRunStart(text));
    const near = Math.max(0, cut - LABEL_REACH);
    const stretch = text.slice(near);
    for (const tail of LABELED_TAILS) {
      const match = tail.exec(stretch);
      if (match) cut = Math.min(cut, near + match.index);
    }
    const end = Math.max(0, text.length - OPEN_PREFIX_REACH);
    const open = KEY_OPEN_PREFIX.exec(text.slice(end));
    if (open) cut = Math.min(cut, end + open.index);
    // A cut never splits a token: a secret cut in two matches no detector on either side.
    while (cut > 0 && cut < text.length && !isSpace(text[cut - 1]!) && !isSpace(text[cut]!)) cut--;
    const original = originalOffset(folded, cut, this.pending.length);
    return this.pending.length - original > this.maxHold ? this.overflowCut(original) : original;
  }

  /**
   * The risky tail outgrew `maxHold`: let its head go, redacted, at a space that no find straddles,
   * keeping the last KEEP_TAIL characters (longer than any secret that could still be completing).
   */
  private overflowCut(cut: number): number {
    const text = this.pending;
    const findings = findSecrets(text);
    for (let at = text.length - KEEP_TAIL; at > cut; at--) {
      if (!isSpace(text[at - 1]!) && !isSpace(text[at]!)) continue;
      if (findings.some((f) => f.matchStart < at && at < f.matchEnd)) continue;
      return at;
    }
    return cut;
  }

  private emit(cut: number): { text: string; categories: Category[] } {
    if (cut <= 0) return { text: '', categories: [] };
    const chunk = this.context + this.pending.slice(0, cut);
    const redacted = redactFrom(chunk, this.context.length);
    this.context = chunk.slice(-CONTEXT);
    this.pending = this.pending.slice(cut);
    return redacted;
  }
}

/** Where the last token (the text after the last space) starts. */
function tokenStart(text: string): number {
  let at = text.length;
  while (at > 0 && !isSpace(text[at - 1]!)) at--;
  return at;
}

/** Where a trailing run of digits and separators starts (`+1 (555) 123-45`, `4111 1111 `), or the end. */
function digitRunStart(text: string): number {
  let at = text.length;
  while (at > 0 && inDigitRun(text.charCodeAt(at - 1))) at--;
  // The run starts at its first digit, `(` or `+`; separators before that are not part of it.
  while (at < text.length && !startsDigitRun(text.charCodeAt(at))) at++;
  return at;
}

function startsDigitRun(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 40 || c === 43; // 0-9 ( +
}

function inDigitRun(c: number): boolean {
  // 0-9 ( ) + . _ - and spaces
  return (
    startsDigitRun(c) ||
    c === 41 ||
    c === 46 ||
    c === 95 ||
    c === 45 ||
    c === 32 ||
    c === 9 ||
    c === 10 ||
    c === 13
  );
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r' || /\s/.test(c);
}
