/**
 * The guardrail redaction applied to a JSON value the model wrote (a tool call's input): every
 * string in it, keys included, at any depth. The copy is what the client sees and the store keeps;
 * the tool itself runs with the original.
 */
import { redactText } from '../guardrails/policy';

/** Deeper than any tool input; past it a value is replaced rather than walked. */
const MAX_DEPTH = 64;

export function redactValue(value: unknown): { value: unknown; categories: string[] } {
  const categories = new Set<string>();
  const text = (s: string) => {
    const redacted = redactText(s);
    for (const c of redacted.categories) categories.add(c);
    return redacted.text;
  };
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return text(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_DEPTH) return '[too deeply nested to show]';
    if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, item]) => [text(k), walk(item, depth + 1)]));
  };
  const out = walk(value, 0);
  return { value: out, categories: [...categories].sort() };
}
