/**
 * An actor's folder in the file store: its session files and the in-memory index of them, loaded
 * from the journal and checked against each session file's size (file/index-journal.ts).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SESSION_ID_PATTERN, type Session, type SessionSummary } from '../../../protocol';
import { InvalidRequestError } from '../../errors';
import { IndexJournal, type IndexEntry } from './index-journal';
import { readWhole } from './session-file';

export interface ActorState {
  dir: string;
  sessions: Map<string, IndexEntry>;
  journal: IndexJournal;
  /** Sessions newest first, rebuilt on the first listing after a change. */
  sorted?: Session[];
  /** Summaries read or written (null: none), so a turn does not read the file again. */
  summaries: Map<string, SessionSummary | null>;
}

/** Actor ids are arbitrary strings; the folder is a hash so no id can name a path. */
export function actorFolder(actorId: string): string {
  return createHash('sha256').update(actorId).digest('hex').slice(0, 32);
}

export function sessionFile(dir: string, sessionId: string): string {
  // The contract's pattern has no dot or slash, so a valid id cannot leave the actor's folder.
  if (!SESSION_ID_PATTERN.test(sessionId)) throw new InvalidRequestError('invalid sessionId');
  return join(dir, `${sessionId}.jsonl`);
}

export async function loadActor(dir: string, warn: (message: string) => void): Promise<ActorState> {
  await mkdir(dir, { recursive: true });
  const journal = new IndexJournal(dir);
  const cached = await journal.load(warn);
  const sessions = new Map<string, IndexEntry>();
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
  let stale = 0;
  await Promise.all(
    files.map(async (name) => {
      const sessionId = name.slice(0, -'.jsonl'.length);
      if (!SESSION_ID_PATTERN.test(sessionId)) return;
      const file = join(dir, name);
      const size = (await stat(file)).size;
      const hit = cached.get(sessionId);
      if (hit && hit.size === size) return void sessions.set(sessionId, hit);
      const read = await readWhole(file, warn);
      if (!read) return;
      sessions.set(sessionId, { session: read.session, size, said: read.said, amends: read.amends });
      stale++;
    }),
  );
  const state: ActorState = { dir, sessions, journal, summaries: new Map() };
  // Entries rebuilt from the files (or gone with them) are written back in one snapshot.
  if (stale > 0 || cached.size !== sessions.size) await journal.compactIfLarge(sessions, true);
  return state;
}
