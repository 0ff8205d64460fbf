/**
 * What the agent's tokens cost, estimated from a small price table per model (Amazon Bedrock
 * on-demand list prices, USD per million tokens). The `cloudEngineer.usage.prices` setting
 * overrides or extends it; a model found in neither shows tokens only. No `vscode`: unit-tested.
 */

export interface Price {
  /** USD per million input tokens. */
  input: number;
  /** USD per million output tokens. */
  output: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * Matched by substring of the model id (an inference profile such as
 * `us.anthropic.claude-sonnet-4-5-20250929-v1:0` contains its model's name), first match wins, so
 * the more specific names come first.
 */
export const DEFAULT_PRICES: readonly (readonly [match: string, price: Price])[] = [
  ['claude-opus-4-5', { input: 5, output: 25 }],
  ['claude-opus-4', { input: 15, output: 75 }],
  ['claude-3-opus', { input: 15, output: 75 }],
  ['claude-sonnet-4', { input: 3, output: 15 }],
  ['claude-3-7-sonnet', { input: 3, output: 15 }],
  ['claude-3-5-sonnet', { input: 3, output: 15 }],
  ['claude-haiku-4-5', { input: 1, output: 5 }],
  ['claude-3-5-haiku', { input: 0.8, output: 4 }],
  ['claude-3-haiku', { input: 0.25, output: 1.25 }],
  ['nova-premier', { input: 2.5, output: 12.5 }],
  ['nova-pro', { input: 0.8, output: 3.2 }],
  ['nova-lite', { input: 0.06, output: 0.24 }],
  ['nova-micro', { input: 0.035, output: 0.14 }],
];

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
  return DEFAULT_PRICES.find(([match]) => id.includes(match))?.[1];
}

function validOverrides(overrides: unknown): [string, Price][] {
  if (!overrides || typeof overrides !== 'object' || Array.isArray(overrides)) return [];
  const out: [string, Price][] = [];
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    const price = value as Partial<Price> | null;
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n < 1e6;
    if (key.trim() && price && typeof price === 'object' && ok(price.input) && ok(price.output))
      out.push([key.trim().toLowerCase(), { input: price.input, output: price.output }]);
  }
  return out;
}

/** Estimated USD for `usage` at `price`. */
export function costOf(usage: Usage, price: Price): number {
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

/** The sum of several turns' usage. */
export function addUsage(usages: readonly (Usage | undefined)[]): Usage | undefined {
  let total: Usage | undefined;
  for (const u of usages) {
    if (!u) continue;
    total = {
      inputTokens: (total?.inputTokens ?? 0) + u.inputTokens,
      outputTokens: (total?.outputTokens ?? 0) + u.outputTokens,
    };
  }
  return total;
}

/** "1,234 in · 567 out tokens · ~$0.012", or without the price when the model's is unknown. */
export function usageLine(usage: Usage, price: Price | undefined): string {
  const n = (v: number) => Math.max(0, Math.round(v)).toLocaleString('en-US');
  const tokens = `${n(usage.inputTokens)} in · ${n(usage.outputTokens)} out tokens`;
  return price ? `${tokens} · ~${formatUsd(costOf(usage, price))}` : tokens;
}

/** Dollars with two significant digits below a cent, cents above: "$0.0042", "$0.012", "$1.35". */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd < 0.0001) return '<$0.0001';
  return `$${Number(usd.toPrecision(2)).toString()}`;
}

/** The short form for a narrow header: "1.8k tokens · ~$0.012" (the full line is its tooltip). */
export function shortUsageLine(usage: Usage, price: Price | undefined): string {
  const total = Math.max(0, usage.inputTokens) + Math.max(0, usage.outputTokens);
  const tokens =
    total >= 1_000_000
      ? `${(total / 1_000_000).toFixed(1)}M`
      : total >= 1000
        ? `${(total / 1000).toFixed(1)}k`
        : String(Math.round(total));
  return price ? `${tokens} tokens · ~${formatUsd(costOf(usage, price))}` : `${tokens} tokens`;
}
