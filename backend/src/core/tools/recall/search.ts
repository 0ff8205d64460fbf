/**
 * Finding the caller's own earlier conversations: AgentCore Memory's long-term records when the
 * store has them, else the store's session search over titles and turn text. Every read names the
 * caller's actor id; nothing here takes an actor from anywhere else. Bounded: a few sessions, a
 * few short excerpts each, a fixed number of store reads.
 */
import type { Session } from '../../../protocol';
import type { LongTermSearch } from '../../memory/agentcore/store';
import type { MemoryStore, StoredTurn } from '../../memory/types';

export const EXCERPT_CHARS = 300;
export const EXCERPTS_PER_SESSION = 4;
/** Sessions one search looks at (newest first) before filtering by date. */
const CANDIDATES = 20;
/** Turns read from one session: its first and its last this many. */
const TURNS_READ = 100;
/** Words tried one by one when the phrase as a whole matches nothing. */
const MAX_WORDS = 3;

export interface RecallQuery {
  actorId: string;
  query: string;
  limit: number;
  /** Only sessions active at or after this time. */
  since?: Date;
  /** The conversation asking: not an earlier one. */
  excludeSessionId?: string;
}

export interface Excerpt {
  role: 'user' | 'assistant' | 'memory';
  at?: string;
  text: string;
}

export interface RecalledSession {
  sessionId: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  excerpts: Excerpt[];
}

export function hasLongTermSearch(memory: MemoryStore): memory is MemoryStore & LongTermSearch {
  return typeof (memory as Partial<LongTermSearch>).searchLongTerm === 'function';
}

/** AgentCore long-term records, grouped by the (still existing, own) session they came from. */
export async function searchLongTerm(
  memory: MemoryStore & LongTermSearch,
  q: RecallQuery,
): Promise<RecalledSession[]> {
  const records = await memory.searchLongTerm(q.actorId, q.query, { limit: 10 });
  const found = new Map<string, RecalledSession>();
  for (const record of records) {
    // A record that names no session cannot be cited, and may outlive a deleted conversation.
    if (!record.sessionId || record.sessionId === q.excludeSessionId) continue;
    let entry = found.get(record.sessionId);
    if (!entry) {
      if (found.size >= q.limit) continue;
      const session = (await memory.getSession(q.actorId, record.sessionId, { limit: 1 }))?.session;
      if (!session || !isRecent(session, q.since)) continue;
      entry = { ...cite(session), excerpts: [] };
      found.set(record.sessionId, entry);
    }
    if (entry.excerpts.length < EXCERPTS_PER_SESSION)
      entry.excerpts.push({
        role: 'memory',
        ...(record.createdAt ? { at: record.createdAt } : {}),
        text: cut(record.text, EXCERPT_CHARS),
      });
  }
  return [...found.values()];
}

/** The store's own search over titles and turn text, then excerpts from the matching turns. */
export async function searchSessions(memory: MemoryStore, q: RecallQuery): Promise<RecalledSession[]> {
  const terms = [q.query, ...words(q.query)];
  const sessions = new Map<string, Session>();
  for (const term of terms) {
    if (sessions.size >= q.limit) break;
    const page = await memory.listSessions(q.actorId, { limit: CANDIDATES, query: term });
    for (const session of page.items) {
      if (sessions.size >= q.limit) break;
      if (session.sessionId === q.excludeSessionId || !isRecent(session, q.since)) continue;
      sessions.set(session.sessionId, session);
    }
  }
  const needles = terms.map((t) => t.toLowerCase());
  const out: RecalledSession[] = [];
  for (const session of sessions.values()) {
    const turns = await readTurns(memory, q.actorId, session);
    out.push({ ...cite(session), excerpts: excerpts(turns, needles) });
  }
  return out;
}

async function readTurns(memory: MemoryStore, actorId: string, session: Session): Promise<StoredTurn[]> {
  const first = await memory.getSession(actorId, session.sessionId, { limit: TURNS_READ });
  if (!first) return [];
  const rest = session.turnCount - TURNS_READ;
  if (!first.nextCursor || rest <= 0) return first.turns;
  return [
    ...first.turns,
    ...(await memory.recentTurns(actorId, session.sessionId, Math.min(rest, TURNS_READ))),
  ];
}

/**
 * Up to a few turns that mention a term, each cut around its first mention. A question that matches
 * brings the answer after it: that is where a decision was said.
 */
function excerpts(turns: StoredTurn[], needles: string[]): Excerpt[] {
  const picked = new Map<number, Excerpt>();
  for (const [i, turn] of turns.entries()) {
    if (picked.size >= EXCERPTS_PER_SESSION) break;
    if (turn.status === 'blocked' || picked.has(i)) continue;
    const lower = turn.text.toLowerCase();
    const at = needles.map((n) => lower.indexOf(n)).find((index) => index >= 0);
    if (at === undefined) continue;
    picked.set(i, { role: turn.role, at: turn.createdAt, text: around(turn.text, at, EXCERPT_CHARS) });
    const answer = turns[i + 1];
    if (turn.role === 'user' && answer?.role === 'assistant' && answer.status !== 'blocked')
      if (picked.size < EXCERPTS_PER_SESSION)
        picked.set(i + 1, { role: 'assistant', at: answer.createdAt, text: cut(answer.text, EXCERPT_CHARS) });
  }
  // Only the title matched: the conversation's opening says what it was about.
  if (picked.size === 0) {
    const opening = turns.find((t) => t.role === 'user' && t.status !== 'blocked');
    if (opening)
      picked.set(0, { role: 'user', at: opening.createdAt, text: cut(opening.text, EXCERPT_CHARS) });
  }
  return [...picked.entries()].sort(([a], [b]) => a - b).map(([, e]) => e);
}

function cite(session: Session): Omit<RecalledSession, 'excerpts'> {
  return {
    sessionId: session.sessionId,
    title: session.title,
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
  };
}

function isRecent(session: Session, since: Date | undefined): boolean {
  return !since || Date.parse(session.updatedAt) >= since.getTime();
}

/** The query's longest words, for a phrase that matches nothing as a whole. */
function words(query: string): string[] {
  const all = query.split(/[^\p{L}\p{N}_.-]+/u).filter((w) => w.length >= 3);
  if (all.length < 2) return [];
  return [...new Set(all)].sort((a, b) => b.length - a.length).slice(0, MAX_WORDS);
}

function around(text: string, at: number, chars: number): string {
  const start = Math.max(0, Math.min(at - Math.floor(chars / 3), text.length - chars));
  const piece = text
    .slice(start, start + chars)
    .replace(/\s+/g, ' ')
    .trim();
  return `${start > 0 ? '…' : ''}${piece}${start + chars < text.length ? '…' : ''}`;
}

function cut(text: string, chars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > chars ? `${flat.slice(0, chars)}…` : flat;
}
