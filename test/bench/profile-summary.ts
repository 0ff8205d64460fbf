/**
 * Reads a `.cpuprofile` written by `node --cpu-prof` (e.g. `npm run bench -- --profile DIR`) and
 * prints where the time went: self and inclusive time by function and by module (a source file of
 * ours, a package, Node's internals), with the bundle's positions mapped back to the sources
 * through its source map, so a minified production bundle still reads as `file.ts:line name`.
 *   node --import tsx test/bench/profile-summary.ts FILE.cpuprofile [--top N] [--callers TEXT]
 * `--callers TEXT`: who calls the functions whose name or place contains TEXT, by the time spent.
 * The first table sorts self time into a few kinds of work (the SDK, connections, files, ours...).
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const maps = new Map<string, SourceMap | undefined>();
function mapOf(url: string): SourceMap | undefined {
  if (!maps.has(url)) {
    let map: SourceMap | undefined;
    try {
      const file = url.startsWith('file:') ? fileURLToPath(url) : url;
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = undefined;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

/** `(module, function)` of a frame: the original source and line where the bundle has a map. */
function place(frame: CallFrame): { module: string; fn: string } {
  const { url, functionName, lineNumber, columnNumber } = frame;
  if (!url) return { module: functionName || '(anonymous)', fn: functionName || '(anonymous)' };
  if (url.startsWith('node:')) return { module: url, fn: `${functionName || '(anonymous)'} ${url}` };
  const entry = mapOf(url)?.findEntry(lineNumber, columnNumber) as
    { originalSource?: string; originalLine?: number; name?: string } | undefined;
  const source = entry?.originalSource ?? url;
  const path = source.replace(/^.*?\/(node_modules\/)/, '$1').replace(/^.*?\/(backend\/src\/)/, '$1');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  const line = entry?.originalLine !== undefined ? entry.originalLine + 1 : lineNumber + 1;
  const name = entry?.name ?? (functionName || '(anonymous)');
  return {
    module: pkg ? `npm:${pkg}` : path,
    fn: `${name} ${path.replace(/^.*node_modules\//, '')}:${line}`,
  };
}

/** Kinds of work, by the module a sample's own function belongs to; the first match wins. */
const KINDS: [string, RegExp][] = [
  ['AWS SDK (build, sign, send, decode a model call)', /^npm:@(smithy|aws-sdk|aws-crypto)\//],
  ['HTTP client (the SDK to the model)', /^node:(_http_client|_http_agent|internal\/http2\/)/],
  [
    'sockets (the HTTP server, the model calls)',
    /^node:(_http_|internal\/http$|net$|internal\/net|internal\/stream_base|internal\/streams)|^writev?$|^writeUtf8String$|^writeBuffer$/,
  ],
  ['files', /^(openFileHandle|close|read|fdatasync|mkdir|unlink|fstat|node:internal\/fs|node:fs)/],
  ['crypto (hashes, signatures)', /^node:internal\/crypto\//],
  ["the backend's own code", /^(\.\.\/)+src\/|^backend\/src\//],
  ['zod', /^npm:zod$/],
  ['token verification', /^npm:aws-jwt-verify$/],
  ['garbage collection', /^\(garbage collector\)$/],
  ['module loading', /^node:internal\/(modules|source_map|bootstrap)\//],
];

function summarize(profile: Profile, top: number, callersOf?: string): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const placed = new Map(profile.nodes.map((n) => [n.id, place(n.callFrame)]));
  const self = { fn: new Map<string, number>(), module: new Map<string, number>() };
  const total = { fn: new Map<string, number>(), module: new Map<string, number>() };
  const callers = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let all = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000; // the delta after a sample is its duration
    all += dt;
    const here = placed.get(id)!;
    if (here.fn === '(idle)') return void (idle += dt);
    add(self.fn, here.fn, dt);
    add(self.module, here.module, dt);
    const fns = new Set<string>();
    const modules = new Set<string>();
    let matched = false;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const p = placed.get(at)!;
      if (byId.get(at)!.callFrame.functionName === '(root)') break;
      fns.add(p.fn);
      modules.add(p.module);
      if (callersOf && !matched && p.fn.includes(callersOf)) {
        // The outermost caller that is not itself a match: the code that asked for the work.
        let up = parent.get(at);
        while (up !== undefined && placed.get(up)!.fn.includes(callersOf)) up = parent.get(up);
        const chain: string[] = [];
        for (let c = up; c !== undefined && chain.length < 3; c = parent.get(c))
          chain.push(placed.get(c)!.fn);
        add(callers, `${p.fn}  <-  ${chain.join('  <-  ')}`, dt);
        matched = true;
      }
    }
    for (const f of fns) add(total.fn, f, dt);
    for (const m of modules) add(total.module, m, dt);
  });
  const busy = all - idle;
  const table = (title: string, m: Map<string, number>, n: number) =>
    [
      `\n${title} (ms, % of busy time)`,
      ...[...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(
          ([k, v]) => `  ${v.toFixed(0).padStart(7)}  ${((100 * v) / busy).toFixed(1).padStart(5)}%  ${k}`,
        ),
    ].join('\n');
  if (callersOf) return table(`Callers of ${callersOf}`, callers, top);
  const kinds = new Map<string, number>();
  for (const [module, ms] of self.module)
    add(
      kinds,
      KINDS.find(([, match]) => match.test(module))?.[0] ??
        'other (events, buffers, promises, timers, native code: shared by all of the above)',
      ms,
    );
  return [
    `wall ${all.toFixed(0)} ms, busy ${busy.toFixed(0)} ms, idle ${idle.toFixed(0)} ms`,
    table('Self time by kind of work', kinds, KINDS.length + 1),
    table('Self time by module', self.module, top),
    table('Inclusive time by module', total.module, top),
    table('Self time by function', self.fn, top),
    table('Inclusive time by function', total.fn, top),
  ].join('\n');
}

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts FILE.cpuprofile [--top N]');
  process.exit(2);
}
const topAt = rest.indexOf('--top');
const callersAt = rest.indexOf('--callers');
console.log(
  summarize(
    JSON.parse(readFileSync(file, 'utf8')),
    topAt >= 0 ? Number(rest[topAt + 1]) : 30,
    callersAt >= 0 ? rest[callersAt + 1] : undefined,
  ),
);
