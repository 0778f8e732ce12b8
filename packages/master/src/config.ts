// Master configuration: a TOML file, validated, with documented defaults. Nodes are not listed
// here: they join by registering (FleetService), as the agent identities of `[auth]` allow.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { checkPublicHostname, DNS_LABEL, dnsName } from '@mcp/scheduler';
import { AGENT_ACCOUNT_PREFIX, readSecurityConfig, type SecurityConfig } from '@mcp/security';
import { parse } from 'smol-toml';
import { z } from 'zod';

const count = (min: number, fallback: number) => z.number().int().min(min).default(fallback);

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
  auth: z.strictObject({
    agents: z.array(z.string()),
    edges: z.array(z.string()).default([]),
    max_nodes: count(1, 64),
    register_burst: count(1, 3),
    register_every_ms: count(1, 60_000),
    heartbeat_burst: count(1, 5),
  }),
  // Read by readSecurityConfig of @mcp/security, which refuses their unknown keys itself.
  tls: z.record(z.string(), z.unknown()).optional(),
  mcias: z.record(z.string(), z.unknown()).optional(),
});

/** Who may join the fleet and how often (`[auth]`). */
export interface AuthConfig {
  /**
   * `agents`: the agent identities (`agent-<node>` MCIAS service accounts) that may register
   * and heartbeat; each may speak only for its own node. Required (may be empty: no node joins).
   */
  agents: string[];
  /**
   * `edges`: the identities among `agents` whose nodes may register the edge role (and so be
   * sent every public route). Default none: a node claiming the edge role is refused.
   */
  edges: string[];
  /** `max_nodes`: nodes the master keeps at most; a new one past it is refused. Default 64. */
  maxNodes: number;
  /** `register_burst`: Registers one identity may make at once. Default 3. */
  registerBurst: number;
  /** `register_every_ms`: one more Register comes back every this long. Default 60000. */
  registerEveryMs: number;
  /**
   * `heartbeat_burst`: Heartbeats one identity may send at once, beyond one per heartbeat
   * interval (which refills the burst), so jitter and reconnects are never refused. Default 5.
   */
  heartbeatBurst: number;
}

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
  /** `[tls]` and `[mcias]`: the master's pair, the platform CA, MCIAS and its own token. */
  security: SecurityConfig;
  /** `[auth]`: the agent allowlist, the node cap and the rate limits. */
  auth: AuthConfig;
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

  if (typeof raw === 'object' && raw !== null && !('auth' in raw)) {
    throw new ConfigError(
      file,
      'auth: required: the [auth] table, with agents = ["agent-<node>", ...] that may register',
    );
  }

  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = z.core.toDotPath(issue?.path ?? []);
    throw new ConfigError(file, `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}`);
  }
  const { auth } = r.data;
  return {
    listen: r.data.listen,
    stateDir: r.data.state_dir,
    logLevel: r.data.log_level,
    heartbeatIntervalMs: r.data.heartbeat_interval_ms,
    probeTimeoutMs: r.data.probe_timeout_ms,
    allowedDomains: r.data.allowed_domains.map((d, i) => domain(file, d, i)),
    mcns: r.data.mcns && mcnsConfig(file, r.data.mcns),
    security: securityConfig(file, r.data),
    auth: {
      agents: agentIdentities(file, auth.agents),
      edges: edgeIdentities(file, auth.edges, auth.agents),
      maxNodes: auth.max_nodes,
      registerBurst: auth.register_burst,
      registerEveryMs: auth.register_every_ms,
      heartbeatBurst: auth.heartbeat_burst,
    },
  };
}

/** `[tls]` and `[mcias]`, their files checked (key and token mode 0600 or stricter). */
function securityConfig(file: string, doc: Record<string, unknown>): SecurityConfig {
  try {
    return readSecurityConfig(doc, dirname(file));
  } catch (err) {
    throw new ConfigError(file, (err as Error).message, { cause: err });
  }
}

/** `[auth] agents`: each `agent-<node>` with a DNS label for the node, none twice. */
function agentIdentities(file: string, agents: readonly string[]): string[] {
  agents.forEach((agent, i) => {
    const node = agent.startsWith(AGENT_ACCOUNT_PREFIX)
      ? agent.slice(AGENT_ACCOUNT_PREFIX.length)
      : undefined;
    if (node === undefined || !DNS_LABEL.test(node)) {
      const reason = `'${agent}' is not ${AGENT_ACCOUNT_PREFIX}<node> with the node a DNS label`;
      throw new ConfigError(file, `auth.agents[${i}]: ${reason}`);
    }
    if (agents.indexOf(agent) !== i) {
      throw new ConfigError(file, `auth.agents[${i}]: '${agent}' is listed twice`);
    }
  });
  return [...agents];
}

/** `[auth] edges`: each one of `agents`, none twice. */
function edgeIdentities(file: string, edges: readonly string[], agents: readonly string[]) {
  edges.forEach((edge, i) => {
    if (!agents.includes(edge)) {
      throw new ConfigError(file, `auth.edges[${i}]: '${edge}' is not listed in auth.agents`);
    }
    if (edges.indexOf(edge) !== i) {
      throw new ConfigError(file, `auth.edges[${i}]: '${edge}' is listed twice`);
    }
  });
  return [...edges];
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
