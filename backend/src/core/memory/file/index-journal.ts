/**
 * An actor's session index on disk: a snapshot (`index.json`) plus an append-only journal of the
 * changes since (`index.<generation>.journal`), so recording one change costs one short append,
 * whatever the number of sessions. The journal is folded into a new snapshot once it outgrows the
 * index. All of it is a cache of the session files: it is not fsync'ed, and the store checks each
 * entry against its file's size when it loads, rebuilding any that disagree.
 */
import { writeSync } from 'node:fs';
import { readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Session } from '../../../protocol';
import { APPEND_OR_CREATE, forgetFile, withFile } from './open-files';
import type { AmendPositions } from './session-file';

export interface IndexEntry {
  session: Session;
  /** Size of the session file the entry describes; a mismatch means the entry is stale. */
  size: number;
  said: string;
  amends: AmendPositions;
}

/** One journal line: a whole entry, an entry whose text grew by the suffix `add`, or a deletion. */
type JournalRecord =
  | { id: string; e: IndexEntry }
  | { id: string; s: Session; z: number; add?: string }
  | { id: string; del: true };

const SNAPSHOT = 'index.json';
const journalName = (generation: number) => `index.${generation}.journal`;

export class IndexJournal {
  private lines = 0;
  private generation = 0;

  constructor(private readonly dir: string) {}

  /** The entries as last recorded (possibly stale or partial: the caller checks them). */
  async load(warn: (message: string) => void): Promise<Map<string, IndexEntry>> {
    const entries = new Map<string, IndexEntry>();
    try {
      const snapshot = JSON.parse(await readFile(join(this.dir, SNAPSHOT), 'utf8')) as {
        v?: number;
        generation?: number;
        sessions?: Record<string, IndexEntry>;
      };
      if (snapshot.v === 2) {
        this.generation = snapshot.generation ?? 0;
        for (const [id, entry] of Object.entries(snapshot.sessions ?? {})) entries.set(id, entry);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        warn(`memory: rebuilding an unreadable index in ${this.dir}`);
    }
    let text = '';
    try {
      text = await readFile(join(this.dir, journalName(this.generation)), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      let record: JournalRecord;
      try {
        record = JSON.parse(line) as JournalRecord;
      } catch {
        continue; // a torn or corrupt line: the size check repairs what it described
      }
      this.lines++;
      if ('del' in record) entries.delete(record.id);
      else if ('e' in record) entries.set(record.id, record.e);
      else {
        const prior = entries.get(record.id);
        const said = (prior?.said ?? '') + (record.add ?? '');
        entries.set(record.id, { session: record.s, size: record.z, said, amends: prior?.amends ?? {} });
      }
    }
    // Journals of other generations are leftovers of an interrupted compaction.
    for (const name of await readdir(this.dir)) {
      if (/^index\.\d+\.journal$/.test(name) && name !== journalName(this.generation)) {
        await forgetFile(join(this.dir, name));
        await unlink(join(this.dir, name)).catch(() => {});
      }
    }
    return entries;
  }

  /** Records a whole entry (`add` absent) or an append that grew the entry's text by `add`. */
  async put(id: string, entry: IndexEntry, add?: string): Promise<void> {
    const record: JournalRecord =
      add === undefined ? { id, e: entry } : { id, s: entry.session, z: entry.size, ...(add ? { add } : {}) };
    await this.append(record);
  }

  async delete(id: string): Promise<void> {
    await this.append({ id, del: true });
  }

  /** Folds the journal into a new snapshot when it has grown past the index's own size (or `force`). */
  async compactIfLarge(entries: Map<string, IndexEntry>, force = false): Promise<void> {
    if (!force && this.lines < 2 * entries.size + 64) return;
    const next = this.generation + 1;
    const tmp = join(this.dir, `${SNAPSHOT}.${process.pid}.tmp`);
    await writeFile(tmp, JSON.stringify({ v: 2, generation: next, sessions: Object.fromEntries(entries) }));
    await rename(tmp, join(this.dir, SNAPSHOT));
    const old = join(this.dir, journalName(this.generation));
    this.generation = next;
    this.lines = 0;
    await forgetFile(old);
    await unlink(old).catch(() => {});
  }

  /**
   * One short write through the journal's open file. Unsynced, it only reaches the page cache, so
   * it is written in place (microseconds) rather than queued for a worker thread and awaited.
   */
  private async append(record: JournalRecord): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    await withFile(join(this.dir, journalName(this.generation)), APPEND_OR_CREATE, async (handle) => {
      for (let at = 0; at < line.length;) at += writeSync(handle.fd, line, at, line.length - at);
    });
    this.lines++;
  }
}
