/**
 * Payment cards in any spacing: `4111 1111 1111 1111`, `4111  1111…`, `4111.1111.…`, one digit
 * at a time, or hidden behind a digit that is not part of the card. Digits are read in groups
 * (split by runs of spaces, dots, dashes, underscores); a card is consecutive groups holding
 * 13-19 digits in a card's layout, with a card prefix and a valid Luhn check. IP addresses,
 * dates, versions, decimals and ids do not line up that way.
 */

export interface DigitHit {
  start: number;
  end: number;
}

/** A separator run between two groups of one number; longer gaps are two numbers. */
const GROUP = /\d+/g;
const SEPARATOR = /^[ \t._-]{1,8}$/;

export function findCards(text: string): DigitHit[] {
  const hits: DigitHit[] = [];
  if (!hasLongDigitRun(text)) return hits;
  let run: { start: number; end: number; sep: string }[] = [];
  const close = () => {
    if (run.length) scanRun(text, run, hits);
    run = [];
  };
  for (const m of text.matchAll(GROUP)) {
    const start = m.index;
    const end = start + m[0].length;
    const last = run[run.length - 1];
    const gap = last ? text.slice(last.end, start) : '';
    if (last && SEPARATOR.test(gap)) run.push({ start, end, sep: gap });
    else {
      close();
      // A number glued to a word, a path or a URL (`v4111…`, `/4111…`, `x:4111`) is not a card.
      if (start > 0 && /[\w/@]/.test(text[start - 1]!)) continue;
      run.push({ start, end, sep: '' });
    }
    if (end < text.length && /[A-Za-z/@]/.test(text[end]!)) {
      // Glued to a word on the right: this group ends the run and cannot be part of a card.
      run.pop();
      close();
    }
  }
  close();
  return hits;
}

function scanRun(text: string, run: { start: number; end: number; sep: string }[], hits: DigitHit[]) {
  for (let i = 0; i < run.length;) {
    let best = -1;
    let digits = 0;
    for (let j = i; j < run.length; j++) {
      digits += run[j]!.end - run[j]!.start;
      if (digits > 19) break;
      if (digits >= 13 && isCard(text, run, i, j)) best = j;
    }
    if (best < 0) {
      i++;
      continue;
    }
    hits.push({ start: run[i]!.start, end: run[best]!.end });
    i = best + 1;
  }
}

function isCard(text: string, run: { start: number; end: number; sep: string }[], i: number, j: number) {
  // Every card prefix starts with 2-6: most windows end here, before anything is built.
  const first = text.charCodeAt(run[i]!.start);
  if (first < 50 || first > 54) return false;
  const groups = run.slice(i, j + 1);
  const lengths = groups.map((g) => g.end - g.start);
  if (groups.length === 1) {
    // One unbroken number: not the decimal part or the integer part of a decimal number.
    if (groups[0]!.sep === '.' || (run[j + 1] && run[j + 1]!.sep === '.')) return false;
  } else if (!cardLayout(lengths)) return false;
  const digits = groups.map((g) => text.slice(g.start, g.end)).join('');
  return /^(?:4|5[1-5]|2[2-7]|3[47]|6(?:011|5)|3(?:0[0-5]|[68]))/.test(digits) && luhn(digits);
}

/**
 * 4-4-4-4(-3), 4-6-5, 4-6-4, or one digit at a time; the last group may be shorter. Pairs and
 * triples are left alone: a list of small numbers would line up as a card too often.
 */
function cardLayout(lengths: number[]): boolean {
  const key = lengths.join('-');
  if (key === '4-6-5' || key === '4-6-4') return true;
  const head = lengths[0]!;
  if (head !== 4 && head !== 1) return false;
  return lengths.every((n, k) => (k === lengths.length - 1 ? n <= head : n === head));
}

/** A cheap first pass: 13 digits with nothing but short separator runs between them, anywhere? */
function hasLongDigitRun(text: string): boolean {
  let digits = 0;
  let gap = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits = gap > 8 ? 1 : digits + 1;
      gap = 0;
      if (digits >= 13) return true;
    } else if (c === 32 || c === 9 || c === 46 || c === 95 || c === 45) gap++;
    else digits = gap = 0;
  }
  return false;
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
