/**
 * The name the model knows an MCP tool by: `<server>__<tool>`. Bedrock wants
 * `^[a-zA-Z0-9_-]{1,64}$`; a name that does not fit is cleaned and cut, and gets a short hash of
 * the original so two tools never meet under one name. The same tool always maps to the same
 * name, so a call waiting for approval finds its tool again in a later turn (or process).
 */
import { createHash } from 'node:crypto';

export const SEPARATOR = '__';
const MODEL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX = 64;

export function exposedToolName(server: string, tool: string): string {
  const plain = `${server}${SEPARATOR}${tool}`;
  if (MODEL_NAME.test(plain)) return plain;
  const hash = createHash('sha256').update(tool, 'utf8').digest('hex').slice(0, 8);
  const cleaned = tool.replace(/[^a-zA-Z0-9_-]/g, '_');
  const room = MAX - server.length - SEPARATOR.length - hash.length - 1;
  return `${server}${SEPARATOR}${cleaned.slice(0, Math.max(0, room))}_${hash}`;
}
