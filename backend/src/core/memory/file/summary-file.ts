/**
 * A session's summary in the file store: `<sessionId>.summary.json` beside the session's file,
 * replaced whole. It names the session's `createdAt`, so a summary a crash left behind never
 * attaches to a new session that reuses the id.
 */
import { join } from 'node:path';
import { SessionSummary } from '../../../protocol';
import { readJson, removeFile, writeDurably } from './durable-file';

export const summaryFile = (dir: string, sessionId: string): string => join(dir, `${sessionId}.summary.json`);

export async function readSummary(
  dir: string,
  sessionId: string,
  sessionCreatedAt: string,
): Promise<SessionSummary | undefined> {
  const stored = (await readJson(summaryFile(dir, sessionId))) as
    { of?: unknown; summary?: unknown } | undefined;
  if (!stored || typeof stored !== 'object' || stored.of !== sessionCreatedAt) return undefined;
  const parsed = SessionSummary.safeParse(stored.summary);
  return parsed.success ? parsed.data : undefined;
}

export async function writeSummary(
  dir: string,
  sessionId: string,
  sessionCreatedAt: string,
  summary: SessionSummary,
): Promise<void> {
  const { text, keepFrom, createdAt } = summary;
  const data = JSON.stringify({ of: sessionCreatedAt, summary: { text, keepFrom, createdAt } });
  await writeDurably(summaryFile(dir, sessionId), dir, data);
}

export async function removeSummary(dir: string, sessionId: string): Promise<void> {
  await removeFile(summaryFile(dir, sessionId));
}
