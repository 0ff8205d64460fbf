/**
 * What the `agentcore` store reads out of a session's events (newest first, as ListEvents gives
 * them) for one incarnation `gen`: its turns in order, when a read of the newest turns may stop,
 * and what amending a turn replaces.
 */
import { amendedTurn, noSuchTurn } from '../session-updates';
import { appendSearchText, type StoredTurn, type TurnPatch } from '../types';
import { blobOf, eventsToRecords, replayTurns, type ReadEvent } from './encoding';

/** The turns the events hold, oldest first (`from`: only those from that index on). */
export function turnsOf(events: ReadEvent[], gen: string, from = 0): StoredTurn[] {
  return [...replayTurns(eventsToRecords(events, gen))].filter(([i]) => i >= from).map(([, t]) => t);
}

/**
 * Whether events read so far, newest first, hold turns `first`..`turnCount - 1` whole: they do once
 * every one of them is there and an older second has begun, because an amendment is always written
 * after (and never earlier in time than) the turn it changes.
 */
export function holdsTurnsFrom(
  gen: string,
  first: number,
  turnCount: number,
): (events: ReadEvent[]) => boolean {
  return (events) => {
    const wanted = eventsToRecords(events, gen).filter((r) => r.k === 'turn' && r.index >= first);
    if (new Set(wanted.map((r) => (r as { index: number }).index)).size < turnCount - first) return false;
    const wantedSeqs = new Set(wanted.map((r) => r.seq));
    let oldestWanted = Infinity;
    for (const e of events) {
      const blob = blobOf(e);
      if (blob && wantedSeqs.has(blob.seq) && blob.gen === gen)
        oldestWanted = Math.min(oldestWanted, e.eventTimestamp?.getTime() ?? -Infinity);
    }
    const oldestRead = events.at(-1)?.eventTimestamp?.getTime() ?? Infinity;
    return oldestRead < oldestWanted;
  };
}

/**
 * Amending turn `index`: events are immutable, so the amended turn is a new record of the same
 * index; `said` is the search text rebuilt without the old text, `stale` the old record's events.
 */
export function amendInEvents(
  events: Array<ReadEvent & { eventId: string }>,
  gen: string,
  index: number,
  patch: TurnPatch,
  sessionId: string,
): { amended: StoredTurn; said: string; stale: string[] } {
  const records = eventsToRecords(events, gen);
  const turns = replayTurns(records);
  const current = turns.get(index);
  if (!current) throw noSuchTurn(index, sessionId);
  const amended = amendedTurn(current, patch);
  turns.set(index, amended);
  const seqs = new Set(records.filter((r) => r.k === 'turn' && r.index === index).map((r) => r.seq));
  const stale = events
    .filter((e) => {
      const b = blobOf(e);
      return b?.gen === gen && seqs.has(b.seq);
    })
    .map((e) => e.eventId);
  return { amended, said: [...turns.values()].reduce(appendSearchText, ''), stale };
}
