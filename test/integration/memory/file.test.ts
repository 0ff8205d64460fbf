import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMemoryStore } from '../../../backend/src/core/memory/file-store';
import { runConformance, type ConformanceTarget } from './conformance';

// The same suite twice: with recent turns kept in memory (the default) and read from the files.
for (const [name, options] of [
  ['file', {}],
  ['file, every read from the files', { cacheChars: 0 }],
] as const)
  runConformance(name, () => fileTarget(options));

async function fileTarget(options: { cacheChars?: number }): Promise<ConformanceTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'ce-conformance-'));
  return {
    store: new FileMemoryStore(join(dir, 'memory'), undefined, options),
    reopen: async () => new FileMemoryStore(join(dir, 'memory'), undefined, options),
    broken: async () => {
      // A folder that cannot exist: its parent is a regular file (fails for root too).
      writeFileSync(join(dir, 'not-a-folder'), '');
      return new FileMemoryStore(join(dir, 'not-a-folder', 'memory'));
    },
    // Every file of the store whose name holds the session id (its file, its summary).
    raw: async (_actorId, sessionId) =>
      (
        readdirSync(join(dir, 'memory'), {
          recursive: true,
          withFileTypes: true,
        }) as import('node:fs').Dirent[]
      )
        .filter((e) => e.isFile() && e.name.includes(sessionId))
        .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
        .join('\n'),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
