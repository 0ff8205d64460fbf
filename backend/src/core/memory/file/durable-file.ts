/**
 * Small whole-file records of the file store (a summary, the token counters) replaced atomically:
 * written to a temporary file, flushed, renamed over the old one, the folder flushed, so a crash
 * leaves either the old content or the new, never a mix.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { syncDir } from './session-file';

let counter = 0;

export async function writeDurably(file: string, dir: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${counter++}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await syncDir(dir);
}

/** The file's JSON; undefined when it is missing or unreadable (callers treat both as empty). */
export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function removeFile(file: string): Promise<void> {
  await unlink(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}
