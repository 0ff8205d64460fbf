/** What every benchmark section shares: percentiles, the result table, processes and the baselines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

export const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

/** One line of the results table. `ratio` is value / baseline; `met` compares against the target. */
export interface Row {
  section: string;
  figure: string;
  value: number;
  unit: string;
  baseline?: { label: string; value: number };
  target: string;
  met: boolean | undefined;
}

export const rows: Row[] = [];

export function record(row: Row): void {
  rows.push(row);
  const ratio = row.baseline ? ` (baseline ${fmt(row.baseline.value, row.unit)})` : '';
  console.log(`  ${row.figure}: ${fmt(row.value, row.unit)}${ratio} -> ${verdict(row.met)}`);
}

const fmt = (v: number, unit: string) =>
  Number.isNaN(v) ? 'n/a' : `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`;
const verdict = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'met' : 'MISSED');

export function writeReport(meta: Record<string, unknown>): string {
  const lines = [
    '| figure | value | baseline (same run) | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.figure} | ${fmt(r.value, r.unit)} | ${r.baseline ? `${r.baseline.label}: ${fmt(r.baseline.value, r.unit)}` : '—'} | ${
          r.baseline && r.baseline.value > 0 ? (r.value / r.baseline.value).toFixed(2) : '—'
        } | ${r.target} | ${verdict(r.met)} |`,
    ),
  ];
  const table = lines.join('\n');
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify({ ...meta, rows }, null, 2) + '\n');
  return table;
}

export function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

/** CPU time (user + system) a process has used so far, in ms (from /proc, 10 ms steps). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command's name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How a process is started: the Node flags before the script, its folder and its environment. */
export interface Launch {
  nodeArgs: string[];
  cwd?: string;
  env: Record<string, string | undefined>;
}

/** A process that serves HTTP once `GET /ping` answers; `ready` is ms from spawn to the first 200. */
export interface Spawned {
  proc: ChildProcess;
  url: string;
  ready: number;
  /** The last 256 KiB of its stdout and stderr (a server at the default log level writes a line a request). */
  output: () => string;
  /** Calls `listener` with everything the process writes from now on; returns the unsubscribe. */
  onOutput(listener: (text: string) => void): () => void;
  /** Kills it (SIGKILL), or asks it to stop (SIGTERM: a profiled process writes its profile). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const OUTPUT_KEPT = 256 * 1024;

export async function spawnHttp(file: string, port: number, launch: Launch): Promise<Spawned> {
  let output = '';
  const listeners = new Set<(text: string) => void>();
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...launch.nodeArgs, file], {
    ...(launch.cwd ? { cwd: launch.cwd } : {}),
    env: { PATH: process.env.PATH, ...launch.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const take = (d: Buffer) => {
    const text = d.toString('utf8');
    output = (output + text).slice(-OUTPUT_KEPT);
    for (const listener of listeners) listener(text);
  };
  proc.stdout!.on('data', take);
  proc.stderr!.on('data', take);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${file} exited:\n${output.slice(-2000)}`);
    if (await pingOnce(port)) break;
    if (Date.now() > deadline) throw new Error(`${file} never answered /ping:\n${output.slice(-2000)}`);
    await sleep(1);
  }
  const ready = performance.now() - t0;
  return {
    proc,
    url: `http://127.0.0.1:${port}`,
    ready,
    output: () => output,
    onOutput(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop(signal = 'SIGKILL') {
      if (proc.exitCode === null) proc.kill(signal);
      await exited;
    },
  };
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/ping', method: 'GET', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * The baseline every server figure is compared with: a bare `node:http` server that answers
 * `/ping` and streams the given SSE bytes for every POST, with none of the agent's work. It binds
 * where the server would (HOST, or loopback).
 */
export function bareSseServerSource(sseBytes: string): string {
  return `const http = require('node:http');
const body = ${JSON.stringify(sseBytes)};
const server = http.createServer((req, res) => {
  if (req.url === '/ping') return res.end('{"status":"Healthy"}');
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(body);
  });
});
server.keepAliveTimeout = 65000;
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
`;
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

export { createServer };

/**
 * POSTs a chat and reads the stream to its end; returns ms to the first text delta and to the end.
 * The client is `fetch`, as the extension's (kept-alive connections, as undici keeps them).
 */
export async function timedChat(
  url: string,
  body: unknown,
  token?: string,
): Promise<{ first: number; total: number; ok: boolean; text: string }> {
  const t0 = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  let first = 0;
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    const s = decoder.decode(chunk, { stream: true });
    if (!first && s.includes('"type":"text"')) first = performance.now() - t0;
    text += s;
  }
  const ok = response.status === 200 && /"type":"done"/.test(text);
  return { first, total: performance.now() - t0, ok, text };
}

/**
 * The model called directly: one raw `ConverseStream` POST to a Bedrock wire fake with the given
 * body, its event-stream answer read to the end, over HTTP/1.1 as the server's Bedrock client
 * sends it. `agent` keeps the connection open between calls, as the server's pool does; `false`
 * opens a new one. Returns the ms it took.
 */
export function rawConverseStream(
  origin: string,
  modelId: string,
  body: string,
  agent: Agent | false,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      `${origin}/model/${encodeURIComponent(modelId)}/converse-stream`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, agent },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`the fake answered ${res.statusCode}`));
        res.on('data', () => {});
        res.on('end', () => resolve(performance.now() - t0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `work` for each of `n` items with at most `concurrency` at once. */
export async function pool<T>(n: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}
