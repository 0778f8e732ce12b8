// The MCNS stand-in's configuration file: TOML, or JSON when the name ends in `.json`.
import { readFileSync } from 'node:fs';

import { parse } from 'smol-toml';

/** What the MCNS stand-in reads at start. Keys in the file are snake_case. */
export interface McnsConfig {
  /** `address`: the address both servers bind, e.g. `127.0.0.1`. Required. */
  readonly address: string;
  /** `http_port`: TCP port of the REST API. Required. */
  readonly httpPort: number;
  /** `dns_port`: UDP port of the DNS server. Required. */
  readonly dnsPort: number;
  /** `zones`: the zones served, e.g. `["mcp.test"]`; lower-cased, no trailing dot. Required. */
  readonly zones: readonly string[];
  /** `token_file`: holds the bearer token every REST call must carry. Required. */
  readonly tokenFile: string;
  /** `database`: JSON file of the records; created when absent. Required. */
  readonly database: string;
  /** `log_file`: JSON lines are appended here. Default: stdout. */
  readonly logFile?: string;
}

/** The configuration file is unreadable or a key is missing or of the wrong type. */
export class McnsConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly file: string,
    why: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to load MCNS config '${file}': ${why}`, options);
    this.name = 'McnsConfigError';
  }
}

/** Reads and checks the configuration file. */
export function loadMcnsConfig(file: string): McnsConfig {
  let raw: Record<string, unknown>;
  try {
    const text = readFileSync(file, 'utf8');
    raw = (file.endsWith('.json') ? JSON.parse(text) : parse(text)) as Record<string, unknown>;
  } catch (err) {
    throw new McnsConfigError(file, err instanceof Error ? err.message : String(err), {
      cause: err,
    });
  }

  const text = (key: string, required: boolean): string | undefined => {
    const value = raw[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '') {
      throw new McnsConfigError(file, `${key}: a non-empty string is required`);
    }
    return value;
  };
  const port = (key: string): number => {
    const value = raw[key];
    if (!Number.isInteger(value) || Number(value) <= 0 || Number(value) >= 65536) {
      throw new McnsConfigError(file, `${key}: a port (1-65535) is required`);
    }
    return Number(value);
  };
  const zones = raw.zones;
  if (!Array.isArray(zones) || zones.length === 0 || !zones.every((z) => typeof z === 'string')) {
    throw new McnsConfigError(file, 'zones: a non-empty list of zone names is required');
  }

  return {
    address: text('address', true) as string,
    httpPort: port('http_port'),
    dnsPort: port('dns_port'),
    zones: [...new Set(zones.map((z: string) => z.toLowerCase().replace(/\.$/, '')))],
    tokenFile: text('token_file', true) as string,
    database: text('database', true) as string,
    logFile: text('log_file', false),
  };
}
