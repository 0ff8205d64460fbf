/**
 * The turns of recently used sessions, kept as their JSON so that a turn's reads (the session when
 * the chat opens it, its newest turns for the model) need no file read. The store fills a session
 * from its file once, under its writer lock, and records every append and amendment here as it
 * records it in its index. Each read parses afresh: no caller shares an object with the cache or
 * another caller. Bounded by size: the least recently used sessions go first, and a session larger
 * than an eighth of the cache is always read from its file.
 */
import type { StoredTurn } from '../types';

interface Cached {
  lines: string[];
  chars: number;
}

export class TurnCache {
  /** Most recently used last (a Map keeps insertion order). */
  private readonly sessions = new Map<string, Cached>();
  private chars = 0;

  constructor(private readonly maxChars = 16 * 1024 * 1024) {}

  /** Whether a session of `fileSize` bytes may be cached. */
  fits(fileSize: number): boolean {
    return fileSize <= this.maxChars / 8;
  }

  has(key: string): boolean {
    return this.sessions.has(key);
  }

  /** Turns `from`.. (at most `count`) of a cached session; undefined when it is not cached. */
  slice(key: string, from: number, count: number): StoredTurn[] | undefined {
    const cached = this.sessions.get(key);
    if (!cached) return undefined;
    this.sessions.delete(key);
    this.sessions.set(key, cached);
    return cached.lines
      .slice(Math.max(0, from), Math.max(0, from + count))
      .map((line) => JSON.parse(line) as StoredTurn);
  }

  /** A session's every turn, as read from its file (or none, for a new one). */
  fill(key: string, turns: readonly StoredTurn[]): void {
    this.drop(key);
    const lines = turns.map((turn) => JSON.stringify(turn));
    const cached = { lines, chars: lines.reduce((n, line) => n + line.length, 0) };
    this.sessions.set(key, cached);
    this.chars += cached.chars;
    this.trim();
  }

  /** A turn appended to the session's file. */
  append(key: string, turn: StoredTurn): void {
    const cached = this.sessions.get(key);
    if (!cached) return;
    const line = JSON.stringify(turn);
    cached.lines.push(line);
    cached.chars += line.length;
    this.chars += line.length;
    if (!this.fits(cached.chars)) this.drop(key);
    else this.trim();
  }

  drop(key: string): void {
    const cached = this.sessions.get(key);
    if (!cached) return;
    this.sessions.delete(key);
    this.chars -= cached.chars;
  }

  private trim(): void {
    for (const key of this.sessions.keys()) {
      if (this.chars <= this.maxChars) break;
      this.drop(key);
    }
  }
}
