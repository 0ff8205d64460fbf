/**
 * Structured logs: one JSON object per line. Callers pass fields, never tokens or message text;
 * errors are reduced to their name and code so a stack or a credential never reaches the log.
 */
import { createHash } from 'node:crypto';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const at =
    (lvl: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[lvl] < ORDER[level]) return;
      const safe = Object.fromEntries(
        Object.entries(fields).map(([k, v]) => [
          k,
          v instanceof Error || k === 'error' ? describeError(v) : v,
        ]),
      );
      write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...safe })}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function describeError(error: unknown): Record<string, unknown> {
  const e = error as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown } } | undefined;
  return {
    name: typeof e?.name === 'string' ? e.name : typeof error,
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(e?.$metadata?.httpStatusCode ? { httpStatus: e.$metadata.httpStatusCode } : {}),
  };
}

/** A stable, non-reversible tag for an actor id, so logs can be correlated without naming users. */
export function actorTag(actorId: string): string {
  return createHash('sha256').update(`cloud-engineer:${actorId}`).digest('hex').slice(0, 12);
}
