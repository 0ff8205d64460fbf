/**
 * Rebuilding lost session index items from AgentCore Memory itself: the events hold everything
 * the index does (the `meta` record, renames, the turns), so a session the Memory API lists but the
 * index lacks (a replaced or restored table) can be put back as it was.
 */
import { appendSearchText } from '../types';
import { addUsage } from '../usage-totals';
import { eventsToRecords, replayTurns, blobOf } from './encoding';
import type { EventLog } from './event-log';
import type { Session } from '../../../protocol';
import type { IndexItem, SessionIndex } from './session-index';

/** At most this many sessions are read back per pass, so one listing never turns into thousands of calls. */
export const RESTORE_MAX_SESSIONS = 50;

/** Restores the actor's sessions missing from the index; how many came back. */
export async function restoreSessions(
  log: EventLog,
  index: SessionIndex,
  actorId: string,
  memoryActor: string,
): Promise<number> {
  const ids = (await log.sessionIds(memoryActor)).slice(0, RESTORE_MAX_SESSIONS);
  let restored = 0;
  for (const sessionId of ids) {
    if (await index.get(actorId, sessionId)) continue;
    const events = await log.read(memoryActor, sessionId, { payloads: true });
    const item = rebuild(sessionId, events);
    if (item && (await index.create(actorId, item))) restored++;
  }
  return restored;
}

/** The index item the events describe, or undefined when they are not a session this store wrote. */
export function rebuild(
  sessionId: string,
  events: Parameters<typeof eventsToRecords>[0],
): IndexItem | undefined {
  // The newest incarnation of the id is the one whose events were written last.
  const newest = events.reduce<{ at: number; gen?: string }>(
    (best, e) => {
      const blob = blobOf(e);
      const at = e.eventTimestamp?.getTime() ?? 0;
      return blob && at >= best.at ? { at, gen: blob.gen } : best;
    },
    { at: -1 },
  );
  if (newest.gen === undefined) return undefined;
  const records = eventsToRecords(events, newest.gen);
  const meta = records.find((r) => r.k === 'meta');
  if (!meta || meta.k !== 'meta') return undefined;
  let title = meta.title;
  for (const r of records) if (r.k === 'title') title = r.title;
  const turns = replayTurns(records);
  const last = [...turns.values()].at(-1);
  const usage = [...turns.values()].reduce(
    (total, t) => addUsage(total, t.usage),
    undefined as Session['usage'],
  );
  return {
    session: {
      sessionId,
      title,
      createdAt: meta.createdAt,
      updatedAt: last?.createdAt ?? meta.createdAt,
      turnCount: turns.size === 0 ? 0 : Math.max(...turns.keys()) + 1,
      ...(meta.taskId !== undefined ? { taskId: meta.taskId } : {}),
      ...(usage ? { usage } : {}),
    },
    // Past every sequence number the incarnation used, whole records or not: a reused number would
    // repeat an earlier event's clientToken, and the service would drop the new event.
    seq: Math.max(...events.map((e) => blobOf(e)).flatMap((b) => (b && b.gen === newest.gen ? [b.seq] : []))),
    gen: newest.gen,
    said: [...turns.values()].reduce(appendSearchText, ''),
    eventAt: Math.max(...events.map((e) => e.eventTimestamp?.getTime() ?? 0)),
  };
}
