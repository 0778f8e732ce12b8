// Edge agent configuration: a TOML file, validated, with documented defaults.
import { readFileSync } from 'node:fs';

import { parse } from 'smol-toml';
import { z } from 'zod';
import { DNS_LABEL } from '@mcp/scheduler';

const label = z.string().regex(DNS_LABEL, 'must be a DNS label');
const hostPort = z.string().regex(/^.+:\d+$/, 'must be host:port');

const schema = z.strictObject({
  name: label,
  address: z.string().min(1),
  listen: hostPort,
  state_dir: z.string().min(1),
  master: hostPort.optional(),
  pools: z.array(label).default([]),
  heartbeat_interval_ms: z.number().int().min(100).default(10_000),
  log_level: z.string().default('info'),
});

/** Edge agent configuration. */
export interface EdgeConfig {
  /** Node name reported to the master. */
  name: string;
  /** The node's own (overlay) address. */
  address: string;
  /** gRPC listen address `host:port`; port 0 picks one. */
  listen: string;
  /** The agent's own directory; its filesystem is the disk the node reports. Created if absent. */
  stateDir: string;
  /** The master's FleetService `host:port`. Absent: the edge agent runs unregistered. */
  master?: string;
  /** Pool labels reported when registering. Default none. */
  pools: string[];
  /** Heartbeat interval in ms until the master names one. Default 10 000. */
  heartbeatIntervalMs: number;
  /** pino level. Default `info`. */
  logLevel: string;
}

/** Thrown when the configuration file cannot be used. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to load edge agent config '${file}': ${reason}`, options);
    this.name = 'ConfigError';
  }
}

/** Reads and validates an edge agent configuration file. */
export function loadEdgeConfig(file: string): EdgeConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0] ?? 'unreadable';
    throw new ConfigError(file, reason, { cause: err });
  }

  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConfigError(file, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }

  const c = r.data;
  return {
    name: c.name,
    address: c.address,
    listen: c.listen,
    stateDir: c.state_dir,
    master: c.master,
    pools: c.pools,
    heartbeatIntervalMs: c.heartbeat_interval_ms,
    logLevel: c.log_level,
  };
}
