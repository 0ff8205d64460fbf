/**
 * The built-in guardrail policy. It always runs, locally and deployed: on the user's input, on
 * every tool result before the model reads it, on the model's output before the client sees it.
 * It reports categories, never the text it matched.
 */
import type { StreamEvent } from '../../protocol';
import { DETECTORS, INJECTION_MARKERS, type Category } from './detectors';

export interface Redaction {
  text: string;
  categories: Category[];
}

/** Compiled once, with match indices (`d`) so a detector can replace one group of its match. */
const COMPILED = DETECTORS.map((d) => ({
  ...d,
  pattern: new RegExp(
    d.pattern.source,
    d.pattern.flags.includes('d') ? d.pattern.flags : `${d.pattern.flags}d`,
  ),
}));

/** Replaces every detected item with `[REDACTED:CATEGORY]`; overlapping finds go to the first detector. */
export function redactText(text: string): Redaction {
  const spans: { start: number; end: number; category: Category }[] = [];
  for (const detector of COMPILED) {
    // matchAll works on a copy of the regex, so the shared one keeps no state between calls.
    for (const match of text.matchAll(detector.pattern)) {
      if (detector.accept && !detector.accept(match[0])) continue;
      const [start, end] = detector.group ? match.indices![detector.group]! : match.indices![0]!;
      if (spans.some((s) => start < s.end && end > s.start)) continue;
      spans.push({ start, end, category: detector.category });
    }
  }
  if (spans.length === 0) return { text, categories: [] };
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += `${text.slice(at, span.start)}[REDACTED:${span.category.toUpperCase()}]`;
    at = span.end;
  }
  out += text.slice(at);
  return { text: out, categories: [...new Set(spans.map((s) => s.category))].sort() };
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
  const redacted = redactText(text);
  if (redacted.categories.length > 0) {
    events.push(
      guardrailEvent(
        'tool',
        redacted.categories,
        `Redacted ${redacted.categories.join(', ')} from the ${toolName} result before the model saw it.`,
      ),
    );
  }
  let cleaned = redacted.text;
  let injected = false;
  for (const marker of INJECTION_MARKERS) {
    // A global regex in replace() starts at 0 and leaves lastIndex at 0: safe to share.
    cleaned = cleaned.replace(marker, () => ((injected = true), '[removed: instruction-like text]'));
  }
  if (injected) {
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
