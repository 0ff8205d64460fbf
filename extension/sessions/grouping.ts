/** Sessions by date, as the tree shows them: Today, Yesterday, Previous 7 Days, Older (local time). */
import type { Session } from '../../backend/src/protocol';

export const GROUPS = ['Today', 'Yesterday', 'Previous 7 Days', 'Older'] as const;
export type Group = (typeof GROUPS)[number];

const DAY = 86_400_000;

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

export function groupOf(updatedAt: string, now: Date): Group {
  const today = startOfDay(now);
  const t = new Date(updatedAt).getTime();
  if (t >= today) return 'Today';
  if (t >= today - DAY) return 'Yesterday';
  if (t >= today - 7 * DAY) return 'Previous 7 Days';
  return 'Older';
}

/** Non-empty groups in order, each newest first. */
export function groupSessions(
  sessions: readonly Session[],
  now: Date,
): { group: Group; sessions: Session[] }[] {
  const sorted = [...sessions].sort((a, b) =>
    a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0,
  );
  return GROUPS.map((group) => ({
    group,
    sessions: sorted.filter((s) => groupOf(s.updatedAt, now) === group),
  })).filter((g) => g.sessions.length > 0);
}

export function relativeTime(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < DAY / 1000) return `${Math.floor(seconds / 3600)}h ago`;
  const days = Math.floor(seconds / (DAY / 1000));
  if (days < 7) return `${days}d ago`;
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/**
 * "1 exchange" for a question and its answer: a stored session counts turns (user and assistant
 * alike), people count what they asked. An unanswered question still counts.
 */
export function exchangesLabel(turnCount: number): string {
  const exchanges = Math.ceil(Math.max(0, turnCount) / 2);
  return `${exchanges} exchange${exchanges === 1 ? '' : 's'}`;
}
