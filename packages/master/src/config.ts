// Master configuration: a TOML file, validated, with documented defaults. Nodes are not listed
// here: they join by registering (FleetService).
import { readFileSync } from 'node:fs';

import { checkPublicHostname } from '@mcp/scheduler';
import { parse } from 'smol-toml';
import { z } from 'zod';

const schema = z.strictObject({
  listen: z.string().regex(/^.+:\d+$/, 'must be host:port'),
  state_dir: z.string().min(1),
  log_level: z.string().default('info'),
  heartbeat_interval_ms: z.number().int().min(100).max(3_600_000).default(10_000),
  probe_timeout_ms: z.number().int().min(100).max(600_000).default(5_000),
  allowed_domains: z.array(z.string()).default([]),
});

/** Master configuration. */
export interface MasterConfig {
  /** gRPC listen address for the CLI and the agents, `host:port`. */
  listen: string;
  /** Directory of the node cache (`nodes.json`); deleting it loses nothing. */
  stateDir: string;
  /** pino level. Default `info`. */
  logLevel: string;
  /** Heartbeat interval told to agents, in milliseconds. Default 10000. */
  heartbeatIntervalMs: number;
  /** Deadline of a HealthCheck probe of a silent node, in milliseconds. Default 5000. */
  probeTimeoutMs: number;
  /**
   * Domains public hostnames may equal or be under (label boundary, case-insensitive). Default
   * none: every public route is refused.
   */
  allowedDomains: string[];
}

export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to load master config '${file}': ${reason}`, options);
    this.name = 'ConfigError';
  }
}

export function loadMasterConfig(file: string): MasterConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, (err as Error).message.split('\n')[0] ?? 'unreadable', {
      cause: err,
    });
  }

  // The static node list of earlier versions: say what replaced it rather than "unrecognized".
  if (typeof raw === 'object' && raw !== null && 'nodes' in raw) {
    throw new ConfigError(file, 'nodes: no longer read; nodes join by registering with the master');
  }

  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new ConfigError(file, `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}`);
  }
  return {
    listen: r.data.listen,
    stateDir: r.data.state_dir,
    logLevel: r.data.log_level,
    heartbeatIntervalMs: r.data.heartbeat_interval_ms,
    probeTimeoutMs: r.data.probe_timeout_ms,
    allowedDomains: r.data.allowed_domains.map((d, i) => domain(file, d, i)),
  };
}

/** An allowed domain, normalised; it must itself be a name a public hostname could be. */
function domain(file: string, value: string, i: number): string {
  try {
    return checkPublicHostname(value, [value]);
  } catch (err) {
    throw new ConfigError(file, `allowed_domains[${i}]: ${(err as Error).message}`, { cause: err });
  }
}
