// The stand-in's configuration file: TOML, or JSON when the name ends in `.json`.
import { readFileSync } from 'node:fs';

import { parse } from 'smol-toml';

/** What the mc-proxy stand-in reads at start. Keys in the file are snake_case. */
export interface McProxyConfig {
  /** `admin_socket`: Unix socket of the admin API (mode 0600). Required. */
  readonly adminSocket: string;
  /** `database`: SQLite file holding the routes; created when absent. Required. */
  readonly database: string;
  /** `address`: the address every listener binds. Required. */
  readonly address: string;
  /** `listeners`: the ports to listen on, e.g. `[443, 8443]`. Required, at least one. */
  readonly listeners: readonly number[];
  /** `backend_ca_file`: PEM CA that re-encrypted backends must chain to. Default: Node's roots. */
  readonly backendCaFile?: string;
  /** `log_file`: JSON lines are appended here. Default: stdout. */
  readonly logFile?: string;
}

/** The configuration file is unreadable or a key is missing or of the wrong type. */
export class ConfigInvalidError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly file: string,
    why: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to load mc-proxy config '${file}': ${why}`, options);
    this.name = 'ConfigInvalidError';
  }
}

/** Reads and checks the configuration file. */
export function loadConfig(file: string): McProxyConfig {
  let raw: Record<string, unknown>;
  try {
    const text = readFileSync(file, 'utf8');
    raw = (file.endsWith('.json') ? JSON.parse(text) : parse(text)) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigInvalidError(file, err instanceof Error ? err.message : String(err), {
      cause: err,
    });
  }

  const text = (key: string, required: boolean): string | undefined => {
    const value = raw[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '') {
      throw new ConfigInvalidError(file, `${key}: a non-empty string is required`);
    }
    return value;
  };
  const listeners = raw.listeners;
  const isPort = (p: unknown): boolean => Number.isInteger(p) && Number(p) > 0 && Number(p) < 65536;
  if (!Array.isArray(listeners) || listeners.length === 0 || !listeners.every(isPort)) {
    throw new ConfigInvalidError(file, 'listeners: a non-empty list of ports is required');
  }

  return {
    adminSocket: text('admin_socket', true) as string,
    database: text('database', true) as string,
    address: text('address', true) as string,
    listeners: [...new Set(listeners.map(Number))],
    backendCaFile: text('backend_ca_file', false),
    logFile: text('log_file', false),
  };
}
