/** Every byte a `file` memory store holds, as text: to prove a secret never reached the disk. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function storedText(dir: string): string {
  let all = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    all += statSync(path).isDirectory() ? storedText(path) : readFileSync(path, 'utf8');
  }
  return all;
}
