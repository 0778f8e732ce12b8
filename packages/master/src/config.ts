// Master configuration: a TOML file, validated, with documented defaults.
import { readFileSync } from 'node:fs';

import { parse } from 'smol-toml';
import { z } from 'zod';

const schema = z.strictObject({
  listen: z.string().regex(/^.+:\d+$/, 'must be host:port'),
  state_dir: z.string().min(1),
  log_level: z.string().default('info'),
  nodes: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a DNS label'),
        address: z.string().regex(/^.+:\d+$/, 'must be host:port'),
      }),
    )
    .default([]),
});

/** A node the master knows, and where its agent listens. */
export interface NodeEntry {
  name: string;
  /** Agent gRPC address `host:port`. */
  address: string;
}

/** Master configuration. */
export interface MasterConfig {
  /** gRPC listen address for the CLI, `host:port`. */
  listen: string;
  /** Directory for caches; deleting it loses nothing. */
  stateDir: string;
  /** pino level. Default `info`. */
  logLevel: string;
  /** Nodes and their agents. */
  nodes: NodeEntry[];
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
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConfigError(file, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const names = new Set<string>();
  for (const n of r.data.nodes) {
    if (names.has(n.name)) throw new ConfigError(file, `nodes: duplicate node '${n.name}'`);
    names.add(n.name);
  }
  return {
    listen: r.data.listen,
    stateDir: r.data.state_dir,
    logLevel: r.data.log_level,
    nodes: r.data.nodes,
  };
}
