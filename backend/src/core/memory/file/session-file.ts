/**
 * One session's append-only JSON-lines file: its records, and reads that touch only what they need
 * (the first turns, or the last ones) instead of the whole file.
 *
 * Crash safety: each record is one line, on the disk before the call resolves (a durable write, as
 * write + fdatasync). A crash mid-write leaves at most a torn last line, which readers drop and
 * the next append cuts off.
 */
import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import type { Session } from '../../../protocol';
import { DURABLE_WRITES, forgetFile, NEW_SESSION, SESSION, withFile } from './open-files';
import { amendedTurn, withTurn } from '../session-updates';
import { appendSearchText, type StoredTurn } from '../types';

export type SessionRecord =
  | { t: 'meta'; sessionId: string; title: string; taskId?: string; createdAt: string }
  | { t: 'title'; title: string; at: string }
  | {
      t: 'amend';
      index: number;
      text: string;
      status: StoredTurn['status'];
      messages?: StoredTurn['messages'];
    }
  | ({ t: 'turn' } & StoredTurn);

/** Where the latest amendment of a turn lives in the file: [byte offset, byte length]. */
export type AmendPositions = Record<number, [number, number]>;

/** What the index keeps of a session file (not the session's model-written summary). */
export interface SessionDigest {
  session: Session;
  /** Lower-cased searchable text (types.ts `appendSearchText`). */
  said: string;
  amends: AmendPositions;
}

const BLOCK = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Appends one record and flushes it (a durable write, or a write and an fdatasync where the
 * system has no durable writes); returns the bytes written. `newFile`: the file must not exist
 * yet (EEXIST otherwise). The file stays open for the next append or read.
 */
export async function appendRecord(file: string, record: SessionRecord, newFile = false): Promise<number> {
  const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
  // A new file is never one an open handle already names.
  if (newFile) await forgetFile(file);
  return withFile(file, newFile ? NEW_SESSION : SESSION, async (handle) => {
    const { bytesWritten } = await handle.write(line, 0, line.length, null);
    if (bytesWritten !== line.length) throw new Error(`short write to ${file}`);
    if (!DURABLE_WRITES) await handle.datasync();
    return line.length;
  });
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Cuts a torn last line (left by a crash) so the next record starts on a line of its own. */
export async function repairTail(file: string, size: number): Promise<number> {
  if (size === 0) return 0;
  const handle = await open(file, 'r');
  let keep = size;
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] === NEWLINE) return size;
    // Walk back to the previous newline.
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - BLOCK);
      const block = Buffer.alloc(end - start);
      await handle.read(block, 0, block.length, start);
      const at = block.lastIndexOf(NEWLINE);
      if (at >= 0) {
        keep = start + at + 1;
        break;
      }
      end = start;
      if (end === 0) keep = 0;
    }
  } finally {
    await handle.close();
  }
  await truncate(file, keep);
  return keep;
}

/** Reads whole lines only: a torn last line is dropped, a corrupt middle line skipped with a warning. */
export async function readWhole(
  file: string,
  warn: (message: string) => void,
): Promise<(SessionDigest & { turns: StoredTurn[] }) | undefined> {
  let buffer: Buffer;
  try {
    buffer = await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let session: Session | undefined;
  const turns: StoredTurn[] = [];
  const amends: AmendPositions = {};
  let lineNo = 0;
  for (let pos = 0; pos < buffer.length;) {
    const end = buffer.indexOf(NEWLINE, pos);
    lineNo++;
    if (end < 0) {
      warn(`memory: ignoring a torn last line in ${file}`);
      break;
    }
    const record = parse(buffer.subarray(pos, end), () =>
      warn(`memory: skipping corrupt line ${lineNo} in ${file}`),
    );
    if (record?.t === 'meta') {
      const { t: _t, ...meta } = record;
      session = { ...meta, updatedAt: meta.createdAt, turnCount: 0 };
    } else if (session && record?.t === 'title') {
      session.title = record.title;
    } else if (session && record?.t === 'amend') {
      const target = turns[record.index];
      if (target) {
        turns[record.index] = amendedTurn(target, record);
        amends[record.index] = [pos, end + 1 - pos];
      }
    } else if (session && record?.t === 'turn') {
      const { t: _t, ...turn } = record;
      turns.push(turn);
      session = withTurn(session, turn);
    }
    pos = end + 1;
  }
  if (!session) return undefined;
  return { session, turns, amends, said: turns.reduce(appendSearchText, '') };
}

/** Turns `from`.. (at most `count`) read from the start of the file, stopping once it has them. */
export async function readHead(
  file: string,
  from: number,
  count: number,
  amends: AmendPositions,
): Promise<StoredTurn[]> {
  const turns: StoredTurn[] = [];
  if (count <= 0) return turns;
  return withFile(file, SESSION, async (handle) => {
    let index = 0;
    let carry = Buffer.alloc(0);
    for (let pos = 0; ;) {
      const block = Buffer.allocUnsafe(BLOCK);
      const { bytesRead } = await handle.read(block, 0, BLOCK, pos);
      if (bytesRead === 0) break; // what is left in `carry` is a torn line
      pos += bytesRead;
      let data = Buffer.concat([carry, block.subarray(0, bytesRead)]);
      let at: number;
      while ((at = data.indexOf(NEWLINE)) >= 0) {
        const record = parse(data.subarray(0, at));
        data = data.subarray(at + 1);
        if (record?.t !== 'turn') continue;
        if (index++ < from) continue;
        const { t: _t, ...turn } = record;
        turns.push(turn);
        if (turns.length === count) return await withAmends(handle, turns, from, amends);
      }
      carry = data;
    }
    return await withAmends(handle, turns, from, amends);
  });
}

/** The last `count` turns of a file of `size` bytes holding `turnCount` turns, read from its end. */
export async function readTail(
  file: string,
  size: number,
  turnCount: number,
  count: number,
  amends: AmendPositions,
): Promise<StoredTurn[]> {
  const turns: StoredTurn[] = [];
  if (count <= 0 || turnCount === 0) return turns;
  return withFile(file, SESSION, async (handle) => {
    let parts: Buffer[] = []; // the bytes after the last newline seen, nearest the end last
    let end = size;
    let first = true;
    while (end > 0 && turns.length < count) {
      const start = Math.max(0, end - BLOCK);
      const block = Buffer.allocUnsafe(end - start);
      await readFully(handle, block, start);
      end = start;
      let right = block.length;
      for (;;) {
        // (lastIndexOf counts a negative offset from the end, so an empty rest needs its own case.)
        const at = right > 0 ? block.lastIndexOf(NEWLINE, right - 1) : -1;
        const piece = block.subarray(at + 1, right);
        const line = parts.length ? Buffer.concat([piece, ...parts]) : piece;
        parts = [];
        if (at < 0 && start > 0) {
          parts = [line]; // the line continues in the block before
          break;
        }
        // The bytes after the file's last newline are a torn line (or nothing): never a record.
        if (!first) {
          const record = parse(line);
          if (record?.t === 'turn') {
            const { t: _t, ...turn } = record;
            turns.unshift(turn);
            if (turns.length === count) break;
          }
        }
        first = false;
        if (at < 0) break;
        right = at;
      }
    }
    return await withAmends(handle, turns, turnCount - turns.length, amends);
  });
}

/** Fills `block` from `position` (a read may return less); past the file's end, zeros (no record). */
async function readFully(handle: FileHandle, block: Buffer, position: number): Promise<void> {
  for (let at = 0; at < block.length;) {
    const { bytesRead } = await handle.read(block, at, block.length - at, position + at);
    if (bytesRead === 0) return void block.fill(0, at);
    at += bytesRead;
  }
}

async function withAmends(
  handle: FileHandle,
  turns: StoredTurn[],
  from: number,
  amends: AmendPositions,
): Promise<StoredTurn[]> {
  for (const [i, turn] of turns.entries()) {
    const at = amends[from + i];
    if (!at) continue;
    const buffer = Buffer.alloc(at[1]);
    await handle.read(buffer, 0, at[1], at[0]);
    const record = parse(buffer.subarray(0, buffer.lastIndexOf(NEWLINE)));
    if (record?.t === 'amend') turns[i] = amendedTurn(turn, record);
  }
  return turns;
}

function parse(line: Buffer, onCorrupt?: () => void): SessionRecord | undefined {
  if (line.length === 0) return undefined;
  try {
    return JSON.parse(line.toString('utf8')) as SessionRecord;
  } catch {
    onCorrupt?.();
    return undefined;
  }
}
