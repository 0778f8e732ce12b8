// Edge agent configuration: a TOML file, validated, with documented defaults. Validation is
// written out rather than done with zod, which would double the agent's idle memory.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import type { AcmeSettings } from '@mcp/mcproxy';
import { readSecurityConfig, type SecurityConfig } from '@mcp/security';
import ipaddr from 'ipaddr.js';
import { parse } from 'smol-toml';

import { FieldReader } from './config-fields.js';

/** Edge agent configuration. */
export interface EdgeConfig {
  /** Node name reported to the master (a DNS label). */
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
  /** Heartbeat and route re-sync interval in ms (until the master names one). Default 10 000. */
  heartbeatIntervalMs: number;
  /** pino level. Default `info`. */
  logLevel: string;
  /** The edge node's mc-proxy admin Unix socket. Required. */
  proxySocket: string;
  /** Where the certificates of public hostnames live. Default `<state_dir>/certs`. */
  certDir: string;
  /** The fleet's zone; backends named by DNS must be under `svc.mcp.<zone>`. Default `local`. */
  zone: string;
  /** Domains public hostnames must equal or be under. Default none: every hostname refused. */
  allowedDomains: string[];
  /** The overlay network backends must be in, as a CIDR. Default `100.64.0.0/10`. */
  overlayCidr: string;
  /**
   * `[acme]`: certificates of public hostnames are obtained and renewed from this ACME server
   * (acme-client is loaded only when one is ordered). Absent: pairs placed in cert_dir by hand.
   */
  acme?: AcmeSettings;
  /**
   * `[tls]` and `[mcias]`, both required: the server's TLS 1.3 pair and the platform CA, MCIAS's
   * URL, and the edge agent's own token file (`agent-<node>`, sent to the master). Paths
   * relative to the config file's directory.
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

  try {
    const doc = raw as Record<string, unknown>;
    return readConfig(new FieldReader(doc), dirname(file), doc);
  } catch (err) {
    throw new ConfigError(file, (err as Error).message, { cause: err });
  }
}

function readConfig(f: FieldReader, base: string, doc: Record<string, unknown>): EdgeConfig {
  const stateDir = f.text('state_dir');
  const config: EdgeConfig = {
    name: f.label('name'),
    address: f.text('address'),
    listen: f.hostPort('listen'),
    stateDir,
    master: f.optional('master', () => f.hostPort('master')),
    pools: f.optional('pools', () => f.labels('pools')) ?? [],
    heartbeatIntervalMs:
      f.optional('heartbeat_interval_ms', () => f.int('heartbeat_interval_ms', 100)) ?? 10_000,
    logLevel: f.optional('log_level', () => f.text('log_level')) ?? 'info',
    proxySocket: f.text('proxy_socket'),
    certDir: f.optional('cert_dir', () => f.text('cert_dir')) ?? join(stateDir, 'certs'),
    zone: f.optional('zone', () => f.domain('zone')) ?? 'local',
    allowedDomains: f.optional('allowed_domains', () => f.domains('allowed_domains')) ?? [],
    overlayCidr: f.optional('overlay_cidr', () => f.check('overlay_cidr', cidr)) ?? '100.64.0.0/10',
    acme: f.optional('acme', () => readAcme(f.section('acme'), base)),
    security: readSecurity(f, doc, base),
  };
  f.noOthers();
  return config;
}

/**
 * `[tls]` and `[mcias]`, read (and their files checked) by @mcp/security, whose errors name
 * `tls.<key>` and `mcias.<key>`; required.
 */
function readSecurity(f: FieldReader, doc: Record<string, unknown>, base: string): SecurityConfig {
  f.delegated('tls', 'mcias');
  return readSecurityConfig(doc, base);
}

/**
 * `[acme]`: directory_url required; EAB key id and key file together or not at all. File paths
 * are resolved against `base` (the config file's directory), and `ca_file` is read now.
 */
function readAcme(f: FieldReader, base: string): AcmeSettings {
  const path = (key: string) => f.optional(key, () => resolve(base, f.text(key)));
  const acme: AcmeSettings = {
    directoryUrl: f.check('directory_url', url),
    caFile: f.optional('ca_file', () => f.check('ca_file', (v) => readable(resolve(base, v)))),
    eabKid: f.optional('eab_kid', () => f.text('eab_kid')),
    eabHmacKeyFile: path('eab_hmac_key_file'),
    email: f.optional('email', () => f.text('email')),
    renewBeforeDays: f.optional('renew_before_days', () => f.number('renew_before_days', 0)) ?? 30,
    checkIntervalMs:
      f.optional('check_interval_ms', () => f.int('check_interval_ms', 100)) ?? 3_600_000,
    dns01McnsUrl: f.optional('dns01_mcns_url', () => f.check('dns01_mcns_url', url)),
    dns01McnsTokenFile: path('dns01_mcns_token_file'),
    dns01Zone: f.optional('dns01_zone', () => f.domain('dns01_zone')),
  };
  f.noOthers();
  if ((acme.eabKid === undefined) !== (acme.eabHmacKeyFile === undefined)) {
    throw new Error('acme: eab_kid and eab_hmac_key_file go together');
  }
  const dns01 = [acme.dns01McnsUrl, acme.dns01McnsTokenFile, acme.dns01Zone];
  if (new Set(dns01.map((v) => v === undefined)).size !== 1) {
    throw new Error('acme: dns01_mcns_url, dns01_mcns_token_file and dns01_zone go together');
  }
  return acme;
}

/** `path` when it can be read, else an error naming it and why. */
function readable(path: string): string {
  try {
    readFileSync(path);
  } catch (err) {
    throw new Error(`'${path}' is not readable: ${(err as Error).message}`);
  }
  return path;
}

function url(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error('must be a URL such as https://ca.example:14000/dir');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error('must be an http(s) URL');
  }
  return value;
}

/** A CIDR as ipaddr.js reads it, written back in its canonical form. */
function cidr(value: string): string {
  try {
    const [addr, bits] = ipaddr.parseCIDR(value);
    return `${addr.toString()}/${bits}`;
  } catch {
    throw new Error('must be a CIDR such as 100.64.0.0/10');
  }
}
