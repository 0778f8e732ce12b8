// Master configuration: a TOML file, validated, with documented defaults. Nodes are not listed
// here: they join by registering (FleetService).
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { checkPublicHostname, DNS_LABEL, dnsName } from '@mcp/scheduler';
import { parse } from 'smol-toml';
import { z } from 'zod';

const schema = z.strictObject({
  listen: z.string().regex(/^.+:\d+$/, 'must be host:port'),
  state_dir: z.string().min(1),
  log_level: z.string().default('info'),
  heartbeat_interval_ms: z.number().int().min(100).max(3_600_000).default(10_000),
  probe_timeout_ms: z.number().int().min(100).max(600_000).default(5_000),
  allowed_domains: z.array(z.string()).default([]),
  mcns: z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }),
      token_file: z.string().min(1),
      zone: z.string().min(1),
    })
    .optional(),
});

/** Where the master keeps its DNS names (`[mcns]`); absent: no DNS step. */
export interface McnsConfig {
  /** Base URL of MCNS's REST API, e.g. `http://127.0.0.1:8053`. Required. */
  url: string;
  /** File holding the bearer token, mode 0600 or stricter. Required. */
  tokenFile: string;
  /** The token, read from `tokenFile` at start (never logged). */
  token: string;
  /** The fleet's zone: names are `<service>.svc.mcp.<zone>` and `<node>.mcp.<zone>`. Required. */
  zone: string;
}

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
  /** MCNS, where service and node names are registered. Default: none (no DNS step). */
  mcns?: McnsConfig;
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
    mcns: r.data.mcns && mcnsConfig(file, r.data.mcns),
  };
}

/** `[mcns]` with its token read; a token file others may read is refused. */
function mcnsConfig(
  file: string,
  raw: { url: string; token_file: string; zone: string },
): McnsConfig {
  const tokenFile = resolve(dirname(file), raw.token_file);
  let token: string;
  try {
    const mode = statSync(tokenFile).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      const octal = mode.toString(8).padStart(4, '0');
      throw new Error(`'${tokenFile}' has mode ${octal}; it must be 0600 or stricter`);
    }
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(file, `mcns.token_file: ${(err as Error).message}`, { cause: err });
  }
  if (token === '') throw new ConfigError(file, `mcns.token_file: '${tokenFile}' is empty`);

  const zone = dnsName(raw.zone);
  if (!zone.split('.').every((label) => DNS_LABEL.test(label))) {
    throw new ConfigError(file, `mcns.zone: '${raw.zone}' is not a DNS name`);
  }
  return { url: raw.url.replace(/\/+$/, ''), tokenFile, token, zone };
}

/** An allowed domain, normalised; it must itself be a name a public hostname could be. */
function domain(file: string, value: string, i: number): string {
  try {
    return checkPublicHostname(value, [value]);
  } catch (err) {
    throw new ConfigError(file, `allowed_domains[${i}]: ${(err as Error).message}`, { cause: err });
  }
}
