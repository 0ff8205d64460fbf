/** Sessions: the first page of `listSessions` for one actor who has 10,000 of them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMemoryStore } from '../../backend/src/core/memory/file-store';
import type { MemoryStore } from '../../backend/src/core/memory/types';
import { pct, pool, record } from './lib';

const SESSIONS = 10_000;

async function fill(store: MemoryStore, concurrency: number): Promise<void> {
  const start = Date.now() - SESSIONS * 60_000;
  await pool(SESSIONS, concurrency, (i) =>
    store.createSession('bench-actor', {
      sessionId: `s${i}`,
      title: `session ${i} about vpc-${i.toString(16)}`,
      createdAt: new Date(start + i * 60_000).toISOString(),
    }),
  );
}

async function firstPage(store: () => MemoryStore, label: string): Promise<void> {
  const warm = store();
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    const page = await warm.listSessions('bench-actor', { limit: 50 });
    times.push(performance.now() - t0);
    if (page.items.length !== 50) throw new Error(`${label}: first page has ${page.items.length} sessions`);
  }
  record({
    section: 'sessions',
    figure: `listSessions first page, 10,000 sessions, ${label}, p50`,
    value: pct(times, 50),
    unit: 'ms',
    target: '< 20 ms',
    met: pct(times, 50) < 20,
  });
}

export async function sessions(): Promise<void> {
  console.log('\nSessions');
  const dir = mkdtempSync(join(tmpdir(), 'ce-bench-sessions-'));
  try {
    await fill(new FileMemoryStore(dir), 1);
    await firstPage(() => new FileMemoryStore(dir), 'file store');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
