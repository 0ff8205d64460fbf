/**
 * The file store's open files: a session file or a journal stays open between one append or read
 * and the next, so a turn costs a write and a flush rather than an open, a write, a flush and a
 * close each time. Shared by every store of the process and bounded: past `MAX_OPEN`, the least
 * recently used file nobody is using is closed. A file about to be deleted or replaced is
 * forgotten first, so no handle outlives the name it was opened by.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Far below any descriptor limit, above the files one busy process touches at once. */
const MAX_OPEN = 256;

/**
 * Where the system has it (not Windows), a write through the file returns once the data is on the
 * disk, as a write followed by fdatasync would: one call instead of two.
 */
const DSYNC: number = constants.O_DSYNC ?? 0;
export const DURABLE_WRITES = DSYNC !== 0;

/** Reads anywhere, writes always at the end (O_APPEND), never creates: the file must exist. */
const APPEND = constants.O_RDWR | constants.O_APPEND;
/** A session file: as APPEND, every write durable where the system can (see DURABLE_WRITES). */
export const SESSION = APPEND | DSYNC;
/** A new session file: as SESSION, created, failing with EEXIST when it exists. */
export const NEW_SESSION = SESSION | constants.O_CREAT | constants.O_EXCL;
/** As APPEND, creating the file when it is missing (journals, never flushed). */
export const APPEND_OR_CREATE = APPEND | constants.O_CREAT;

/** The flags that decide how a write lands: a handle opened otherwise is not reused for it. */
const WRITE_MODE = APPEND | DSYNC;

interface Entry {
  handle: Promise<FileHandle>;
  flags: number;
  users: number;
  /** Forgotten while in use: the last user closes it. */
  forgotten: boolean;
}

/** Most recently used last (a Map keeps insertion order). */
const files = new Map<string, Entry>();

/**
 * Runs `work` with `file` open (opened with `flags` unless it already is). Errors of the open
 * reach the caller as the open's own (ENOENT, EEXIST).
 */
export async function withFile<T>(
  file: string,
  flags: number,
  work: (handle: FileHandle) => Promise<T>,
): Promise<T> {
  let entry = files.get(file);
  if (entry && (entry.flags & WRITE_MODE) !== (flags & WRITE_MODE)) {
    void forgetFile(file);
    entry = undefined;
  }
  if (entry) files.delete(file);
  else {
    entry = { handle: open(file, flags, 0o600), flags, users: 0, forgotten: false };
    const opening = entry;
    // A failed open leaves nothing behind for the next caller to trip on.
    opening.handle.catch(() => {
      if (files.get(file) === opening) files.delete(file);
    });
  }
  files.set(file, entry);
  entry.users++;
  try {
    return await work(await entry.handle);
  } finally {
    entry.users--;
    if (entry.forgotten && entry.users === 0) void close(entry);
    trim();
  }
}

/**
 * Closes `file` if it is open (now, or when its last user is done): before it is deleted or
 * renamed. Resolves once it is closed, or at once when a call still uses it.
 */
export async function forgetFile(file: string): Promise<void> {
  const entry = files.get(file);
  if (!entry) return;
  files.delete(file);
  entry.forgotten = true;
  if (entry.users === 0) await close(entry);
}

function trim(): void {
  if (files.size <= MAX_OPEN) return;
  for (const [file, entry] of files) {
    if (files.size <= MAX_OPEN) break;
    if (entry.users > 0) continue;
    files.delete(file);
    void close(entry);
  }
}

async function close(entry: Entry): Promise<void> {
  await entry.handle
    .then(
      (handle) => handle.close(),
      () => {},
    )
    .catch(() => {}); // nothing was written through it that a failed close could lose
}
