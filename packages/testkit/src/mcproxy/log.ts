// A small JSON-lines logger for the stand-in: a fixed message plus fields, one line each.
import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Log {
  (level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

/** Writes to `file` (appended) or, without one, to stdout. */
export function createLog(file: string | undefined): Log {
  return (level, msg, fields = {}) => {
    const line = JSON.stringify({ time: Date.now(), level, msg, ...flatten(fields) }) + '\n';
    if (file === undefined) process.stdout.write(line);
    else appendFileSync(file, line);
  };
}

// Errors become their message and code, which JSON.stringify would otherwise drop.
function flatten(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error
        ? { message: value.message, code: (value as { code?: unknown }).code }
        : value;
  }
  return out;
}
