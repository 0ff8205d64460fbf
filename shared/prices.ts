/**
 * What the agent's tokens cost, estimated from one table of list prices per model (USD per million
 * tokens) across the providers: Amazon Bedrock on-demand, Anthropic, OpenAI and Gemini, with their
 * prompt-cache reads and writes. The `cloudEngineer.usage.prices` setting overrides or extends it;
 * a model found in neither (an Ollama model, say) shows tokens only. No `vscode`: unit-tested.
 */

export interface Price {
  /** USD per million input tokens. */
  input: number;
  /** USD per million output tokens. */
  output: number;
  /** USD per million input tokens read from the prompt cache; absent: priced as input. */
  cacheRead?: number;
  /** USD per million input tokens written to the prompt cache; absent: priced as input. */
  cacheWrite?: number;
}

/**
 * Model tokens as the contract counts them: `inputTokens` is every input token, the cached ones
 * (`cacheReadTokens` read, `cacheWriteTokens` written) included.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** Usage with the model that answered, as the usage event and a stored turn carry it. */
export interface ModelUsage extends Usage {
  modelId?: string;
}

interface ModelEntry {
  /** Found in a model id at word boundaries (`us.anthropic.claude-sonnet-4-5-2025…` has `claude-sonnet-4-5`). */
  match: string;
  /** What the usage line calls it. */
  name: string;
  price: Price;
}

// Anthropic (its API and Bedrock alike): a cache read costs 0.1× input, a (5-minute) write 1.25×.
const claude = (input: number, output: number): Price => ({
  input,
  output,
  cacheRead: round(input * 0.1),
  cacheWrite: round(input * 1.25),
});
// Amazon Nova on Bedrock: cache reads at a 75 % discount; writing the cache costs nothing.
const nova = (input: number, output: number): Price => ({
  input,
  output,
  cacheRead: round(input * 0.25),
  cacheWrite: 0,
});
// OpenAI and Gemini cache on their own: reads at the listed cached-input price, no write charge.
const cached = (input: number, output: number, cacheRead: number): Price => ({ input, output, cacheRead });

/**
 * Every model with a known price, first match wins: the more specific names come first
 * (`gpt-4.1-mini` before `gpt-4.1`). Bedrock ids and the Anthropic API's share the Claude rows.
 */
export const MODEL_TABLE: readonly ModelEntry[] = [
  { match: 'claude-opus-4-5', name: 'Claude Opus 4.5', price: claude(5, 25) },
  { match: 'claude-opus-4-1', name: 'Claude Opus 4.1', price: claude(15, 75) },
  { match: 'claude-opus-4', name: 'Claude Opus 4', price: claude(15, 75) },
  { match: 'claude-3-opus', name: 'Claude 3 Opus', price: claude(15, 75) },
  { match: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5', price: claude(3, 15) },
  { match: 'claude-sonnet-4', name: 'Claude Sonnet 4', price: claude(3, 15) },
  { match: 'claude-3-7-sonnet', name: 'Claude 3.7 Sonnet', price: claude(3, 15) },
  { match: 'claude-3-5-sonnet', name: 'Claude 3.5 Sonnet', price: claude(3, 15) },
  { match: 'claude-haiku-4-5', name: 'Claude Haiku 4.5', price: claude(1, 5) },
  { match: 'claude-3-5-haiku', name: 'Claude 3.5 Haiku', price: claude(0.8, 4) },
  { match: 'claude-3-haiku', name: 'Claude 3 Haiku', price: claude(0.25, 1.25) },
  { match: 'nova-premier', name: 'Nova Premier', price: nova(2.5, 12.5) },
  { match: 'nova-pro', name: 'Nova Pro', price: nova(0.8, 3.2) },
  { match: 'nova-lite', name: 'Nova Lite', price: nova(0.06, 0.24) },
  { match: 'nova-micro', name: 'Nova Micro', price: nova(0.035, 0.14) },
  { match: 'gpt-5-nano', name: 'GPT-5 nano', price: cached(0.05, 0.4, 0.005) },
  { match: 'gpt-5-mini', name: 'GPT-5 mini', price: cached(0.25, 2, 0.025) },
  { match: 'gpt-5', name: 'GPT-5', price: cached(1.25, 10, 0.125) },
  { match: 'gpt-4.1-nano', name: 'GPT-4.1 nano', price: cached(0.1, 0.4, 0.025) },
  { match: 'gpt-4.1-mini', name: 'GPT-4.1 mini', price: cached(0.4, 1.6, 0.1) },
  { match: 'gpt-4.1', name: 'GPT-4.1', price: cached(2, 8, 0.5) },
  { match: 'gpt-4o-mini', name: 'GPT-4o mini', price: cached(0.15, 0.6, 0.075) },
  { match: 'gpt-4o', name: 'GPT-4o', price: cached(2.5, 10, 1.25) },
  { match: 'o4-mini', name: 'o4-mini', price: cached(1.1, 4.4, 0.275) },
  { match: 'o3-mini', name: 'o3-mini', price: cached(1.1, 4.4, 0.55) },
  { match: 'o3', name: 'o3', price: cached(2, 8, 0.5) },
  // Gemini 2.5 Pro: the prices of prompts up to 200k tokens (longer ones cost more).
  { match: 'gemini-2.5-pro', name: 'Gemini 2.5 Pro', price: cached(1.25, 10, 0.31) },
  { match: 'gemini-2.5-flash-lite', name: 'Gemini 2.5 Flash-Lite', price: cached(0.1, 0.4, 0.025) },
  { match: 'gemini-2.5-flash', name: 'Gemini 2.5 Flash', price: cached(0.3, 2.5, 0.075) },
];

/** The table's entry for a model id: `match` bounded by the id's start, end or punctuation. */
function tableEntry(id: string): ModelEntry | undefined {
  return MODEL_TABLE.find(({ match }) => {
    for (let at = id.indexOf(match); at >= 0; at = id.indexOf(match, at + 1)) {
      const before = id[at - 1];
      const after = id[at + match.length];
      if ((!before || !/[a-z0-9]/.test(before)) && (!after || !/[a-z0-9]/.test(after))) return true;
    }
    return false;
  });
}

/**
 * The price of `modelId`: an override first (exact id, then the longest id it contains), then the
 * table. Overrides come from settings, so each entry is checked: a bad one is ignored, not trusted.
 */
export function priceFor(modelId: string, overrides: unknown = {}): Price | undefined {
  const id = modelId.trim().toLowerCase();
  if (!id) return undefined;
  const custom = validOverrides(overrides);
  const exact = custom.find(([key]) => key === id);
  if (exact) return exact[1];
  const contained = custom.filter(([key]) => id.includes(key)).sort((a, b) => b[0].length - a[0].length)[0];
  if (contained) return contained[1];
  return tableEntry(id)?.price;
}

/** The setting's entries that are prices, as `[lowercased id, price]`: what may travel to the chat view. */
export function validOverrides(overrides: unknown): [string, Price][] {
  if (!overrides || typeof overrides !== 'object' || Array.isArray(overrides)) return [];
  const out: [string, Price][] = [];
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    const price = value as Partial<Price> | null;
    if (!key.trim() || !price || typeof price !== 'object' || !isRate(price.input) || !isRate(price.output))
      continue;
    // A cache rate that is there but not a rate makes the whole entry suspect.
    if (
      (price.cacheRead !== undefined && !isRate(price.cacheRead)) ||
      (price.cacheWrite !== undefined && !isRate(price.cacheWrite))
    )
      continue;
    out.push([
      key.trim().toLowerCase(),
      {
        input: price.input,
        output: price.output,
        ...(price.cacheRead !== undefined ? { cacheRead: price.cacheRead } : {}),
        ...(price.cacheWrite !== undefined ? { cacheWrite: price.cacheWrite } : {}),
      },
    ]);
  }
  return out;
}

function isRate(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 && n < 1e6;
}

/**
 * Estimated USD for `usage` at `price`. Input tokens not read from or written to the cache are
 * priced as input; cached ones at their cache rates (input when the price has none).
 */
export function costOf(usage: Usage, price: Price): number {
  const read = count(usage.cacheReadTokens);
  const write = count(usage.cacheWriteTokens);
  const plain = Math.max(0, count(usage.inputTokens) - read - write);
  return (
    (plain * price.input +
      read * (price.cacheRead ?? price.input) +
      write * (price.cacheWrite ?? price.input) +
      count(usage.outputTokens) * price.output) /
    1_000_000
  );
}

/** The sum of several turns' usage, cache figures included. */
export function addUsage(usages: readonly (Usage | undefined)[]): Usage | undefined {
  let total: Usage | undefined;
  for (const u of usages) {
    if (!u) continue;
    const read = (total?.cacheReadTokens ?? 0) + (u.cacheReadTokens ?? 0);
    const write = (total?.cacheWriteTokens ?? 0) + (u.cacheWriteTokens ?? 0);
    total = {
      inputTokens: (total?.inputTokens ?? 0) + u.inputTokens,
      outputTokens: (total?.outputTokens ?? 0) + u.outputTokens,
      ...(read ? { cacheReadTokens: read } : {}),
      ...(write ? { cacheWriteTokens: write } : {}),
    };
  }
  return total;
}

const n = (v: number | undefined) => count(v).toLocaleString('en-US');

/** "1,234 in (1,000 cached) · 567 out": the cached part only when some input was read from cache. */
export function tokensText(usage: Usage): string {
  const read = count(usage.cacheReadTokens);
  return `${n(usage.inputTokens)} in${read ? ` (${n(read)} cached)` : ''} · ${n(usage.outputTokens)} out`;
}

/** "1,234 in (1,000 cached) · 567 out · ~$0.004", or "… · 567 out tokens" when the model's price is unknown. */
export function usageLine(usage: Usage, price: Price | undefined): string {
  return withCost(tokensText(usage), price ? costOf(usage, price) : undefined);
}

/** The tokens text with an estimated cost, or with the word "tokens" when there is none. */
export function withCost(tokens: string, usd: number | undefined): string {
  return usd === undefined ? `${tokens} tokens` : `${tokens} · ~${formatUsd(usd)}`;
}

/** Where the input went, for a tooltip: "1,234 input tokens: 1,000 read from cache, 200 written to it". */
export function inputBreakdown(usage: Usage): string {
  const read = count(usage.cacheReadTokens);
  const write = count(usage.cacheWriteTokens);
  const parts = [
    ...(read ? [`${n(read)} read from the prompt cache`] : []),
    ...(write ? [`${n(write)} written to it`] : []),
  ];
  return `${n(usage.inputTokens)} input tokens${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** Dollars with two significant digits below a dime, cents from there: "$0.0042", "$0.012", "$0.90", "$1.35". */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '$0';
  if (usd >= 0.0995) return `$${usd.toFixed(2)}`;
  if (usd < 0.0001) return '<$0.0001';
  return `$${Number(usd.toPrecision(2)).toString()}`;
}

/** The short form for a narrow header: "1.8k tokens · ~$0.012" (the full line is its tooltip). */
export function shortUsageLine(usage: Usage, price: Price | undefined): string {
  return shortUsageText(usage, price ? costOf(usage, price) : undefined);
}

/** The short form with a cost already summed (a conversation whose answers came from several models). */
export function shortUsageText(usage: Usage, usd: number | undefined): string {
  const total = count(usage.inputTokens) + count(usage.outputTokens);
  const tokens =
    total >= 1_000_000
      ? `${(total / 1_000_000).toFixed(1)}M`
      : total >= 1000
        ? `${(total / 1000).toFixed(1)}k`
        : String(Math.round(total));
  return usd === undefined ? `${tokens} tokens` : `${tokens} tokens · ~${formatUsd(usd)}`;
}

/**
 * A model id as a person reads it: the table's name ("Claude Sonnet 4.5"), else the id without its
 * region, vendor, path, date and version ("llama3.1:8b" stays as it is).
 */
export function modelName(modelId: string): string {
  const id = modelId.trim();
  const known = tableEntry(id.toLowerCase());
  if (known) return known.name;
  const short = id
    .replace(/^.*\//, '')
    .replace(/^(us|eu|apac|ap|au|ca|jp|us-gov|global)\./i, '')
    .replace(/^(anthropic|amazon|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer)\./i, '')
    .replace(/-v\d+(:\d+)?$/i, '')
    .replace(/-\d{8}$/, '');
  const name = short || id;
  return name.length > 40 ? `${name.slice(0, 39)}…` : name;
}

function count(v: number | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.round(v)) : 0;
}

function round(v: number): number {
  return Number(v.toPrecision(6));
}
