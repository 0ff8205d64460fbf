import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMemoryStore } from '../../../backend/src/core/memory/file-store';
import { runConformance } from './conformance';

runConformance('file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ce-conformance-'));
  return {
    store: new FileMemoryStore(join(dir, 'memory')),
    reopen: async () => new FileMemoryStore(join(dir, 'memory')),
    broken: async () => {
      // A folder that cannot exist: its parent is a regular file (fails for root too).
      writeFileSync(join(dir, 'not-a-folder'), '');
      return new FileMemoryStore(join(dir, 'not-a-folder', 'memory'));
    },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
