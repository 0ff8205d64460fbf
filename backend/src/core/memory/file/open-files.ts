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

/** Reads anywhere, writes always at the end (O_APPEND), never creates: the file must exist. */
export const APPEND = constants.O_RDWR | constants.O_APPEND;
/** As APPEND, creating the file when it is missing (journals). */
export const APPEND_OR_CREATE = APPEND | constants.O_CREAT;
/** As APPEND, creating the file and failing with EEXIST when it exists (a new session). */
export const CREATE_NEW = APPEND | constants.O_CREAT | constants.O_EXCL;

interface Entry {
  handle: Promise<FileHandle>;
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
  if (entry) files.delete(file);
  else {
    entry = { handle: open(file, flags, 0o600), users: 0, forgotten: false };
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

/** Closes `file` if it is open (now, or when its last user is done): before it is deleted or renamed. */
export function forgetFile(file: string): void {
  const entry = files.get(file);
  if (!entry) return;
  files.delete(file);
  entry.forgotten = true;
  if (entry.users === 0) void close(entry);
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
