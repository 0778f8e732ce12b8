// Agent configuration: a TOML file, validated, with documented defaults.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { nodeArch, nodeOs } from '@mcp/membership';
import type { AcmeSettings } from '@mcp/mcproxy';
import type { Resources } from '@mcp/proto';
import { DNS_LABEL, parseCpu, parseSize } from '@mcp/scheduler';
import { readSecurityConfig, type SecurityConfig } from '@mcp/security';
import { parse } from 'smol-toml';
import { z } from 'zod';

import { bootSchema, bootStages, type BootStage } from './boot-config.js';
import { isDnsName } from './dns-name.js';

const label = z.string().regex(DNS_LABEL, 'must be a DNS label');
const quantity = z.union([z.string(), z.number()]);
const resources = z.strictObject({
  cpu: quantity.optional(),
  memory: quantity.optional(),
  disk: quantity.optional(),
});

const schema = z.strictObject({
  name: label,
  address: z.string().min(1),
  listen: z.string().regex(/^.+:\d+$/, 'must be host:port'),
  state_dir: z.string().min(1),
  srv_root: z.string().default('/srv'),
  runtime_socket: z.string().default('/run/podman/podman.sock'),
  log_level: z.string().default('info'),
  ports: z
    .strictObject({ min: z.number().int().min(1), max: z.number().int().max(65535) })
    .default({ min: 20000, max: 29999 }),
  master: z
    .string()
    .regex(/^.+:\d+$/, 'must be host:port')
    .optional(),
  roles: z
    .array(z.enum(['compute', 'control']))
    .min(1)
    .default(['compute']),
  pools: z.array(label).default([]),
  arch: z.string().min(1).optional(),
  os: z.string().min(1).optional(),
  heartbeat_interval_ms: z.number().int().min(100).default(10_000),
  capacity: resources.optional(),
  reserved: resources.default({}),
  proxy_socket: z.string().min(1).optional(),
  cert_dir: z.string().min(1).optional(),
  zone: z.string().refine(isDnsName, 'must be a lower-case DNS name').default('local'),
  boot: bootSchema.optional(),
  acme: z
    .strictObject({
      directory_url: z.url({ protocol: /^https?$/ }),
      ca_file: z.string().min(1).optional(),
      eab_kid: z.string().min(1).optional(),
      eab_hmac_key_file: z.string().min(1).optional(),
      email: z.string().min(1).optional(),
      renew_before_days: z.number().positive().default(30),
      check_interval_ms: z.number().int().min(100).default(3_600_000),
      dns01_mcns_url: z.url({ protocol: /^https?$/ }).optional(),
      dns01_mcns_token_file: z.string().min(1).optional(),
      dns01_zone: z.string().refine(isDnsName, 'must be a lower-case DNS name').optional(),
    })
    .refine((a) => (a.eab_kid === undefined) === (a.eab_hmac_key_file === undefined), {
      message: 'eab_kid and eab_hmac_key_file go together',
    })
    .refine(
      (a) =>
        new Set(
          [a.dns01_mcns_url, a.dns01_mcns_token_file, a.dns01_zone].map((v) => v === undefined),
        ).size === 1,
      { message: 'dns01_mcns_url, dns01_mcns_token_file and dns01_zone go together' },
    )
    .optional(),
  // Read by @mcp/security's readSecurityConfig, which names each field in its errors.
  tls: z.unknown().optional(),
  mcias: z.unknown().optional(),
});

/** A role an agent may declare; the edge role belongs to the edge agent alone. */
export type AgentRole = 'compute' | 'control';

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
  /** The master's FleetService `host:port`. Absent: the agent runs standalone, unregistered. */
  master?: string;
  /** Roles reported when registering. Default `["compute"]`. */
  roles: AgentRole[];
  /** Pool labels reported when registering. Default none. */
  pools: string[];
  /** Architecture reported (`amd64`, `arm64`). Default detected from the process. */
  arch: string;
  /** Operating system reported (`nixos`, `debian`). Default the ID of `/etc/os-release`. */
  os: string;
  /** Heartbeat interval in ms until the master names one. Default 10 000. */
  heartbeatIntervalMs: number;
  /** Capacity to report instead of the measured one, per field set. Default none. */
  capacity?: Partial<Resources>;
  /** Resources kept back for the system; never given to services. Default zero. */
  reserved: Resources;
  /**
   * The node's mc-proxy admin Unix socket. Absent: the agent registers no routes and the route
   * RPCs answer FailedPrecondition.
   */
  proxySocket?: string;
  /**
   * Where L7 routes find their certificate pairs (`findCertificate`). Default
   * `<state_dir>/certs`.
   */
  certDir: string;
  /** Internal zone: a route without a hostname is `<service>.svc.mcp.<zone>`. Default `local`. */
  zone: string;
  /** `[[boot.stages]]`, started in order at agent start (`boot-config.ts`). Default none. */
  bootStages?: BootStage[];
  /**
   * `[acme]`: L7 certificates for this node's proxy hostnames are obtained (and renewed) from
   * this ACME server. Absent: pairs are placed in `cert_dir` by hand (`findCertificate`).
   */
  acme?: AcmeSettings;
  /**
   * `[tls]` and `[mcias]`, both required: the server's TLS 1.3 pair and the platform CA, MCIAS's
   * URL, and the agent's own token file (`agent-<node>`, sent to the master). Paths relative to
   * the config file's directory.
   */
  security: SecurityConfig;
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
    const path = z.core.toDotPath(issue?.path ?? []);
    throw new ConfigError(file, `${path}: ${issue?.message ?? 'invalid'}`);
  }
  const c = r.data;
  if (c.ports.min > c.ports.max) throw new ConfigError(file, 'ports: min is above max');
  let security: SecurityConfig;
  try {
    security = readSecurityConfig(raw as Record<string, unknown>, dirname(file));
  } catch (err) {
    throw new ConfigError(file, (err as Error).message, { cause: err });
  }
  return {
    name: c.name,
    address: c.address,
    listen: c.listen,
    stateDir: c.state_dir,
    srvRoot: c.srv_root,
    runtimeSocket: c.runtime_socket,
    logLevel: c.log_level,
    ports: c.ports,
    master: c.master,
    roles: c.roles,
    pools: c.pools,
    arch: c.arch ?? nodeArch(),
    os: c.os ?? nodeOs(),
    heartbeatIntervalMs: c.heartbeat_interval_ms,
    capacity: c.capacity && quantities(file, 'capacity', c.capacity),
    reserved: {
      cpuMillis: 0,
      memoryBytes: 0,
      diskBytes: 0,
      ...quantities(file, 'reserved', c.reserved),
    },
    proxySocket: c.proxy_socket,
    certDir: c.cert_dir ?? join(c.state_dir, 'certs'),
    zone: c.zone,
    bootStages: bootStages(c.boot),
    acme: c.acme && acmeSettings(file, c.acme),
    security,
  };
}

/**
 * `[acme]` as settings: its file paths resolved against the config file's directory (not the
 * process's cwd), and `ca_file` read now, so a missing one stops the agent at start.
 */
function acmeSettings(file: string, a: NonNullable<z.infer<typeof schema>['acme']>): AcmeSettings {
  const path = (p: string | undefined) => (p === undefined ? undefined : resolve(dirname(file), p));
  const caFile = path(a.ca_file);
  if (caFile !== undefined) {
    try {
      readFileSync(caFile);
    } catch (err) {
      const why = (err as Error).message;
      throw new ConfigError(file, `acme.ca_file: '${caFile}' is not readable: ${why}`, {
        cause: err,
      });
    }
  }
  return {
    directoryUrl: a.directory_url,
    caFile,
    eabKid: a.eab_kid,
    eabHmacKeyFile: path(a.eab_hmac_key_file),
    email: a.email,
    renewBeforeDays: a.renew_before_days,
    checkIntervalMs: a.check_interval_ms,
    dns01McnsUrl: a.dns01_mcns_url,
    dns01McnsTokenFile: path(a.dns01_mcns_token_file),
    dns01Zone: a.dns01_zone,
  };
}

/** `cpu = "2"`, `memory = "4Gi"`, `disk = "100Gi"` as `Resources` fields, only those given. */
function quantities(
  file: string,
  table: string,
  raw: z.infer<typeof resources>,
): Partial<Resources> {
  const out: Partial<Resources> = {};
  const read = (field: string, value: string | number, parse: typeof parseSize): number => {
    const n = parse(value);
    if (n === undefined)
      throw new ConfigError(file, `${table}.${field}: '${value}' is not a quantity`);
    return n;
  };

  if (raw.cpu !== undefined) out.cpuMillis = read('cpu', raw.cpu, parseCpu);
  if (raw.memory !== undefined) out.memoryBytes = read('memory', raw.memory, parseSize);
  if (raw.disk !== undefined) out.diskBytes = read('disk', raw.disk, parseSize);
  return out;
}
