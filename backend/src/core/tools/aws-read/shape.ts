/**
 * Turns SDK output into what the model should read: pages merged, SDK metadata dropped, bytes
 * decoded, and values that can hold secrets (function and container environment) hidden.
 */

const HIDDEN = '[hidden: environment values are not shown]';
const HIDDEN_ARG = '[hidden: command arguments are not shown]';

export function shapeOutput(args: {
  service: string;
  operation: string;
  region: string;
  pages: unknown[];
  more: boolean;
}) {
  const merged = mergePages(args.pages.map((p) => scrub(p)));
  return {
    service: args.service,
    operation: args.operation,
    region: args.region,
    result: merged,
    ...(args.more
      ? {
          note: `Stopped after ${args.pages.length} page(s); more results exist. Narrow the request with filters or raise maxPages.`,
        }
      : {}),
  };
}

const PAGE_TOKEN =
  /^(Next(Token|Marker|PageToken|ContinuationToken)?|nextToken|Marker|NextMarker|ContinuationToken|NextContinuationToken)$/;

/** Whether a page's output names a next page (services spell the token differently). */
export function hasNextPage(page: unknown): boolean {
  const p = (page ?? {}) as Record<string, unknown>;
  return (
    p.IsTruncated === true || Object.entries(p).some(([key, value]) => PAGE_TOKEN.test(key) && Boolean(value))
  );
}

/** Arrays under the same key are concatenated; the rest comes from the first page. */
export function mergePages(pages: unknown[]): unknown {
  if (pages.length <= 1) return pages[0] ?? {};
  const [first, ...rest] = pages as Record<string, unknown>[];
  const out: Record<string, unknown> = { ...first };
  for (const page of rest) {
    for (const [key, value] of Object.entries(page ?? {})) {
      if (Array.isArray(value) && Array.isArray(out[key])) out[key] = [...(out[key] as unknown[]), ...value];
    }
  }
  // Tokens of the last page are meaningless once pages are merged.
  for (const key of Object.keys(out)) if (PAGE_TOKEN.test(key) || key === 'IsTruncated') delete out[key];
  return out;
}

export function scrub(value: unknown, key = ''): unknown {
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value).toString('utf8');
    return /^[\x09\x0a\x0d\x20-\x7e]*$/.test(text) ? text : `<${value.length} bytes>`;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    // ECS container environment: [{ name, value }]
    // ECS container command lines carry secrets as often as the environment does.
    if (key === 'command' || key === 'entryPoint') return value.map(() => HIDDEN_ARG);
    if (key === 'environment')
      return value.map((v) =>
        v && typeof v === 'object' && 'name' in v
          ? { name: (v as { name: unknown }).name, value: HIDDEN }
          : v,
      );
    return value.map((v) => scrub(v));
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$metadata') continue;
      // Lambda: Environment.Variables { NAME: value }
      if (k === 'Variables' && key === 'Environment' && v && typeof v === 'object') {
        out[k] = Object.fromEntries(Object.keys(v).map((name) => [name, HIDDEN]));
      } else {
        out[k] = scrub(v, k);
      }
    }
    return out;
  }
  return value;
}
