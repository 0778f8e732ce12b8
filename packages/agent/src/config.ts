// Agent configuration: a TOML file, validated, with documented defaults.
import { readFileSync } from 'node:fs';

import { parse } from 'smol-toml';
import { z } from 'zod';

const schema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a DNS label'),
  address: z.string().min(1),
  listen: z.string().regex(/^.+:\d+$/, 'must be host:port'),
  state_dir: z.string().min(1),
  srv_root: z.string().default('/srv'),
  runtime_socket: z.string().default('/run/podman/podman.sock'),
  log_level: z.string().default('info'),
  ports: z
    .strictObject({ min: z.number().int().min(1), max: z.number().int().max(65535) })
    .default({ min: 20000, max: 29999 }),
});

/** Agent configuration. */
export interface AgentConfig {
  /** Node name reported to the master and written on every container label. */
  name: string;
  /** The node's own (overlay) address; host ports are bound to it. */
  address: string;
  /** gRPC listen address `host:port`. */
  listen: string;
  /** Directory of the SQLite registry. */
  stateDir: string;
  /** Host directory that stands for `/srv` in volume paths. Default `/srv`. */
  srvRoot: string;
  /** Docker-compatible API socket. Default `/run/podman/podman.sock`. */
  runtimeSocket: string;
  /** pino level. Default `info`. */
  logLevel: string;
  /** Host port range for routes, inclusive. Default 20000..29999. */
  ports: { min: number; max: number };
}

/** Thrown when the configuration file cannot be used. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to load agent config '${file}': ${reason}`, options);
    this.name = 'ConfigError';
  }
}

/** Reads and validates an agent configuration file. */
export function loadAgentConfig(file: string): AgentConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, (err as Error).message.split('\n')[0] ?? 'unreadable', {
      cause: err,
    });
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConfigError(file, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const c = r.data;
  if (c.ports.min > c.ports.max) throw new ConfigError(file, 'ports: min is above max');
  return {
    name: c.name,
    address: c.address,
    listen: c.listen,
    stateDir: c.state_dir,
    srvRoot: c.srv_root,
    runtimeSocket: c.runtime_socket,
    logLevel: c.log_level,
    ports: c.ports,
  };
}
