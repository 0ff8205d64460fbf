/** The loaded part of a (possibly huge) session list: pages of 50, a cursor, a title filter. */
import type { Session } from '../../backend/src/protocol';

export const PAGE_SIZE = 50;

export type FetchPage = (request: {
  limit: number;
  cursor?: string;
  query?: string;
}) => Promise<{ sessions: Session[]; nextCursor?: string }>;

export class SessionsModel {
  sessions: Session[] = [];
  nextCursor: string | undefined;
  query: string | undefined;
  loaded = false;
  private generation = 0;

  constructor(private readonly fetchPage: FetchPage) {}

  /** Reloads from the first page (after a refresh, a filter change, a chat). */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    const page = await this.fetchPage({ limit: PAGE_SIZE, ...(this.query ? { query: this.query } : {}) });
    if (generation !== this.generation) return; // a newer reload won
    this.sessions = page.sessions;
    this.nextCursor = page.nextCursor;
    this.loaded = true;
  }

  async loadMore(): Promise<void> {
    if (!this.nextCursor) return;
    const generation = this.generation;
    const page = await this.fetchPage({
      limit: PAGE_SIZE,
      cursor: this.nextCursor,
      ...(this.query ? { query: this.query } : {}),
    });
    if (generation !== this.generation) return;
    const seen = new Set(this.sessions.map((s) => s.sessionId));
    this.sessions = [...this.sessions, ...page.sessions.filter((s) => !seen.has(s.sessionId))];
    this.nextCursor = page.nextCursor;
  }

  setQuery(query: string | undefined): void {
    this.query = query?.trim() || undefined;
  }

  /** Local edits, so the tree updates at once while the backend confirms. */
  renamed(session: Session): void {
    this.sessions = this.sessions.map((s) => (s.sessionId === session.sessionId ? session : s));
  }
}
