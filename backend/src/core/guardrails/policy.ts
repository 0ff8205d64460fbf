/**
 * The built-in guardrail policy. It always runs, locally and deployed: on the user's input, on
 * every tool result before the model reads it, on the model's output before the client sees it.
 * It reports categories, never the text it matched. Detectors read folded text (normalize.ts);
 * what gets replaced is the matching range of the original.
 */
import type { StreamEvent } from '../../protocol';
import { DETECTORS, INJECTION_MARKERS, type Category, type Detector } from './detectors';
import { findEncodedSecrets } from './encoded';
import { foldForMatching, originalRange, type FoldedText } from './normalize';

export interface Redaction {
  text: string;
  categories: Category[];
}

/** One find, in the original text's offsets. */
export interface Finding {
  /** What gets replaced. */
  start: number;
  end: number;
  /** The whole match, a label included: a stream is never cut inside it. */
  matchStart: number;
  matchEnd: number;
  categories: Category[];
}

/** Compiled once, with match indices (`d`) so a detector can replace one group of its match. */
const COMPILED: readonly Detector[] = DETECTORS.map((d) =>
  'pattern' in d
    ? {
        ...d,
        pattern: new RegExp(
          d.pattern.source,
          d.pattern.flags.includes('d') ? d.pattern.flags : `${d.pattern.flags}d`,
        ),
      }
    : d,
);

const ENCODED_HINT = /[A-Za-z0-9+/_-]{16}/;
/** Base64 inside base64 is looked into once more; deeper than that is not a credential anyone pastes. */
const MAX_DECODE_DEPTH = 2;

/** Every find in `text`; overlapping finds go to the first detector. */
export function findSecrets(text: string): Finding[] {
  const folded = foldForMatching(text);
  return detect(folded.text, 0).map((s) => {
    const [start, end] = originalRange(folded, s.start, s.end);
    const [matchStart, matchEnd] = originalRange(folded, s.matchStart, s.matchEnd);
    return { start, end, matchStart, matchEnd, categories: s.categories };
  });
}

function detect(text: string, depth: number): Finding[] {
  const spans: Finding[] = [];
  const add = (start: number, end: number, categories: Category[], matchStart = start, matchEnd = end) => {
    if (end <= start || spans.some((s) => start < s.end && end > s.start)) return;
    spans.push({ start, end, matchStart, matchEnd, categories });
  };
  for (const detector of COMPILED) {
    if (detector.hint && !detector.hint.test(text)) continue;
    if ('scan' in detector) {
      for (const hit of detector.scan(text)) add(hit.start, hit.end, [detector.category]);
      continue;
    }
    // A rejected match may hide an accepted one inside it (`config: password=…`): look again one
    // character on. (Shared regexes are safe: nothing below runs another detection meanwhile.)
    const pattern = detector.pattern;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      if (match[0].length === 0 || (detector.accept && !detector.accept(match))) {
        pattern.lastIndex = match.index + 1;
        continue;
      }
      const [start, end] = match.indices![detector.group ?? 0]!;
      add(start, end, [detector.category], match.index, match.index + match[0].length);
    }
  }
  if (depth < MAX_DECODE_DEPTH && ENCODED_HINT.test(text)) {
    const inner = (decoded: string) => categoriesOf(detect(foldForMatching(decoded).text, depth + 1));
    for (const hit of findEncodedSecrets(text, inner)) add(hit.start, hit.end, hit.categories as Category[]);
  }
  return spans.sort((a, b) => a.start - b.start);
}

function categoriesOf(findings: Finding[]): Category[] {
  return [...new Set(findings.flatMap((f) => f.categories))].sort();
}

/** Replaces every detected item with `[REDACTED:CATEGORY]`. */
export function redactText(text: string): Redaction {
  return redactFrom(text, 0);
}

/**
 * Redacts `text` from offset `from` on, reading what comes before it as context (a label, a
 * lookbehind) without changing it. A find that began before `from` is redacted from `from`.
 */
export function redactFrom(text: string, from: number, matchOn: string = text): Redaction {
  // `matchOn` is `text` as the detectors should read it, of the same length (escapes as spaces).
  const findings = findSecrets(matchOn).filter((f) => f.end > from);
  if (findings.length === 0) return { text: from ? text.slice(from) : text, categories: [] };
  let out = '';
  let at = from;
  for (const f of findings) {
    const start = Math.max(f.start, from);
    out += `${text.slice(at, start)}[REDACTED:${f.categories[0]!.toUpperCase()}]`;
    at = f.end;
  }
  out += text.slice(at);
  return { text: out, categories: categoriesOf(findings) };
}

export function guardrailEvent(
  stage: 'input' | 'output' | 'tool',
  categories: string[],
  message: string,
  action: 'redacted' | 'blocked' = 'redacted',
): StreamEvent {
  return { type: 'guardrail', stage, action, categories, message };
}

/**
 * A tool result as the model gets it: secrets and personal data redacted, instruction-like text
 * removed. (The runner marks it as data when it hands it to the model.)
 */
export function guardToolOutput(toolName: string, text: string): { text: string; events: StreamEvent[] } {
  const events: StreamEvent[] = [];
  const redacted = redactFrom(text, 0, escapesAsSpaces(text));
  if (redacted.categories.length > 0) {
    events.push(
      guardrailEvent(
        'tool',
        redacted.categories,
        `Redacted ${redacted.categories.join(', ')} from the ${toolName} result before the model saw it.`,
      ),
    );
  }
  const cleaned = removeInstructions(redacted.text);
  if (cleaned !== redacted.text) {
    events.push(
      guardrailEvent(
        'tool',
        ['prompt_injection'],
        `The ${toolName} result contained instruction-like text; it was removed and the rest passed to the model as data.`,
      ),
    );
  }
  return { text: cleaned, events };
}

/**
 * Tool output reaches the guard JSON-encoded, so a line break in a log line is the two characters
 * `\n`, which would glue the next word (an instruction, a token, a labeled secret's value) to an
 * `n` and hide it from the detectors. Escapes of white space read
 * as spaces of the same length, so offsets still map back to the original.
 */
const ESCAPED_SPACE = /\\(?:[nrt]|u00(?:0[9aAdD]|20))/g;

function escapesAsSpaces(text: string): string {
  return text.replace(ESCAPED_SPACE, (escape) => ' '.repeat(escape.length));
}

/** Instruction-like phrases, found on folded text (zero-width characters do not hide them). */
function removeInstructions(text: string): string {
  const folded: FoldedText = foldForMatching(text);
  const haystack = escapesAsSpaces(folded.text);
  const ranges: [number, number][] = [];
  for (const marker of INJECTION_MARKERS) {
    for (const m of haystack.matchAll(marker)) {
      const range = originalRange(folded, m.index, m.index + m[0].length);
      if (!ranges.some(([s, e]) => range[0] < e && range[1] > s)) ranges.push(range);
    }
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of ranges) {
    out += `${text.slice(at, start)}[removed: instruction-like text]`;
    at = end;
  }
  return out + text.slice(at);
}
