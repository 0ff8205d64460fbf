/** What every benchmark section shares: percentiles, the result table, processes and the baselines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process that serves HTTP once `GET /ping` answers; `ready` is ms from spawn to the first 200. */
export interface Spawned {
  proc: ChildProcess;
  url: string;
  ready: number;
  output: () => string;
  stop(): Promise<void>;
}

export async function spawnHttp(
  file: string,
  env: Record<string, string | undefined>,
  port: number,
  nodeArgs: string[] = [],
): Promise<Spawned> {
  let output = '';
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...nodeArgs, file], {
    env: { PATH: process.env.PATH, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
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
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/ping', method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * The baseline every server figure is compared with: a bare `node:http` server that answers
 * `/ping` and streams the given SSE bytes for every POST, with none of the agent's work.
 */
export function bareSseServerSource(sseBytes: string): string {
  return `const http = require('node:http');
const body = ${JSON.stringify(sseBytes)};
http.createServer((req, res) => {
  if (req.url === '/ping') return res.end('{"status":"Healthy"}');
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(body);
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

export { createServer };

/** POSTs a chat and reads the stream to its end; returns ms to the first text delta and to the end. */
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
