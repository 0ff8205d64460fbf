/**
 * The text the detectors read: compatibility forms folded (full-width `＠` is `@`, `４` is `4`),
 * invisible characters dropped (zero-width spaces, joiners, soft hyphens, combining marks,
 * control characters), every dash a `-`, every space a ` `, `%40` and `&#64;` an `@`. Obfuscation
 * that a person reads past must not get past a pattern. Each folded character remembers the
 * original range it came from, so a redaction lands on the original text, whatever the lengths.
 */

export interface FoldedText {
  /** What the detectors match against. */
  text: string;
  /** For each character of `text`, where its source starts and ends in the original; absent when `text` is the original. */
  from?: number[];
  to?: number[];
}

/** Printable ASCII with no encoded `@`: nothing to fold, the common case. */
const PLAIN = /^[\t\n\r\x20-\x7e]*$/;
const ENCODED_AT = /%40|&#0*64;|&#x0*40;|&commat;/i;
const INVISIBLE = /^[\p{Cf}\p{M}\p{Cc}]$/u;
const cache = new Map<string, string>();

export function foldForMatching(original: string): FoldedText {
  if (PLAIN.test(original) && !ENCODED_AT.test(original)) return { text: original };
  const out: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let i = 0;
  while (i < original.length) {
    const code = original.charCodeAt(i);
    if (code === 0x25 || code === 0x26) {
      // %40, &#64;, &#x40;, &commat;
      const m = /^(?:%40|&#0*64;|&#x0*40;|&commat;)/i.exec(original.slice(i, i + 10));
      if (m) {
        out.push('@');
        from.push(i);
        to.push(i + m[0].length);
        i += m[0].length;
        continue;
      }
    }
    if (code < 0x80) {
      if (code >= 0x20 || code === 9 || code === 10 || code === 13) {
        out.push(original[i]!);
        from.push(i);
        to.push(i + 1);
      }
      i++;
      continue;
    }
    const cp = original.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const folded = foldChar(String.fromCodePoint(cp));
    for (const ch of folded) {
      out.push(ch);
      from.push(i);
      to.push(i + width);
    }
    i += width;
  }
  return { text: out.join(''), from, to };
}

function foldChar(ch: string): string {
  let folded = cache.get(ch);
  if (folded !== undefined) return folded;
  if (INVISIBLE.test(ch)) folded = '';
  else if (/\p{Pd}|\u2212/u.test(ch)) folded = '-';
  else if (/[\p{Zs}]/u.test(ch)) folded = ' ';
  else if (/[\p{Zl}\p{Zp}]/u.test(ch)) folded = '\n';
  else if (CONFUSABLE[ch]) folded = CONFUSABLE[ch];
  else {
    folded = ch.normalize('NFKD').replace(/\p{M}/gu, '') || ch;
    if (folded === ch && /\p{Nd}/u.test(ch)) folded = digitValue(ch);
  }
  if (cache.size < 4096) cache.set(ch, folded);
  return folded;
}

/** Cyrillic and Greek letters drawn like Latin ones (`pаssword` with a Cyrillic `а`). */
const CONFUSABLE: Record<string, string> = Object.fromEntries(
  [
    ['аеорсухѕіјԁһ', 'aeopcyxsijdh'],
    ['АВЕКМНОРСТХІЈЅ', 'ABEKMHOPCTXIJS'],
    ['ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοι', 'ABEZHIKMNOPTYXoi'],
  ].flatMap(([from, to]) => [...from!].map((c, i) => [c, to![i]!])),
);

/** A decimal digit of another script (Arabic-Indic `٤`, Devanagari `४`) as 0-9: digits come in runs of ten from zero. */
function digitValue(ch: string): string {
  const cp = ch.codePointAt(0)!;
  let zero = cp;
  while (cp - zero < 9 && /\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero--;
  return String(cp - zero);
}

/** The original range of folded characters [start, end). */
export function originalRange(folded: FoldedText, start: number, end: number): [number, number] {
  if (!folded.from) return [start, end];
  if (start >= end) {
    const at = start < folded.from.length ? folded.from[start]! : (folded.to![folded.to!.length - 1] ?? 0);
    return [at, at];
  }
  return [folded.from[start]!, folded.to![end - 1]!];
}

/** The original offset where folded position `at` begins (the end of the text for `at` = length). */
export function originalOffset(folded: FoldedText, at: number, originalLength: number): number {
  if (!folded.from) return at;
  return at < folded.from.length ? folded.from[at]! : originalLength;
}
