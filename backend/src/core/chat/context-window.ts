/**
 * How much input a model takes: its context window, from a table by model id (one place), less
 * the answer's budget. CONTEXT_TOKENS overrides it.
 */
const WINDOWS: [RegExp, number][] = [
  [/claude/i, 200_000],
  [/nova-premier/i, 1_000_000],
  [/nova-micro/i, 128_000],
  [/nova/i, 300_000],
  [/gpt-4\.1/i, 1_047_576],
  [/gpt-5/i, 400_000],
  [/\bo[34](-|$)/i, 200_000],
  [/gpt-4o|gpt-4-turbo/i, 128_000],
  [/gemini-(1\.5-pro)/i, 2_000_000],
  [/gemini/i, 1_048_576],
  [/llama-?3|llama3|mistral-large|qwen/i, 128_000],
];

/** A server of one's own often runs a small window (Ollama's default is smaller still: set CONTEXT_TOKENS). */
const UNKNOWN_WINDOW = 32_000;

export function defaultContextTokens(modelId: string, maxOutputTokens: number): number {
  const window = WINDOWS.find(([pattern]) => pattern.test(modelId))?.[1] ?? UNKNOWN_WINDOW;
  return window - maxOutputTokens;
}
