// The MCIAS stand-in's configuration file (JSON, keys snake_case), written by `startMcias`.
import { readFileSync } from 'node:fs';

import { MCIAS_ROLES, type AccountRecord, type MciasRole } from './accounts.js';

/** What the MCIAS stand-in reads at start. */
export interface MciasConfig {
  /** `address`: the address the HTTPS server binds. Required. */
  readonly address: string;
  /** `port`: its TCP port. Required. */
  readonly port: number;
  /** `cert_file`, `key_file`: the server's PEM certificate and key. Required. */
  readonly certFile: string;
  readonly keyFile: string;
  /** `signing_key_file`: Ed25519 private key (PKCS#8 PEM); made at first start, mode 0600. */
  readonly signingKeyFile: string;
  /** `revocations_file`: JSON of the revoked token ids; created when absent. Required. */
  readonly revocationsFile: string;
  /** `admin_token_file`: holds the bearer token of the admin endpoints. Required. */
  readonly adminTokenFile: string;
  /** `token_ttl_ms`: lifetime of a token from login. Default: 3 600 000 (one hour). */
  readonly tokenTtlMs: number;
  /** `accounts`: `{ username, account_type, roles, password?: { salt, hash } }`. Required. */
  readonly accounts: readonly AccountRecord[];
  /** `log_file`: JSON lines are appended here. Default: stdout. */
  readonly logFile?: string;
}

/** The configuration file is unreadable or a key is missing or of the wrong type. */
export class MciasConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly file: string,
    why: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to load MCIAS config '${file}': ${why}`, options);
    this.name = 'MciasConfigError';
  }
}

/** The file form of `config`, for `startMcias` to write. */
export function mciasConfigJson(config: MciasConfig): string {
  const file = {
    address: config.address,
    port: config.port,
    cert_file: config.certFile,
    key_file: config.keyFile,
    signing_key_file: config.signingKeyFile,
    revocations_file: config.revocationsFile,
    admin_token_file: config.adminTokenFile,
    token_ttl_ms: config.tokenTtlMs,
    log_file: config.logFile,
    accounts: config.accounts.map((a) => ({
      username: a.username,
      account_type: a.accountType,
      roles: a.roles,
      password: a.password,
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Reads and checks the configuration file. */
export function loadMciasConfig(file: string): MciasConfig {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new MciasConfigError(file, why, { cause: err });
  }
  const fail = (why: string): never => {
    throw new MciasConfigError(file, why);
  };

  const text = (key: string): string => {
    const value = raw[key];
    return typeof value === 'string' && value !== '' ? value : fail(`${key}: a string is required`);
  };
  const port = raw.port;
  if (!Number.isInteger(port) || Number(port) <= 0 || Number(port) >= 65536) {
    fail('port: a port (1-65535) is required');
  }
  const ttl = raw.token_ttl_ms ?? 3_600_000;
  if (!Number.isInteger(ttl) || Number(ttl) <= 0) fail('token_ttl_ms: a positive integer');
  const logFile = raw.log_file;
  if (logFile !== undefined && typeof logFile !== 'string') fail('log_file: a string');
  if (!Array.isArray(raw.accounts)) fail('accounts: a list is required');

  return {
    address: text('address'),
    port: Number(port),
    certFile: text('cert_file'),
    keyFile: text('key_file'),
    signingKeyFile: text('signing_key_file'),
    revocationsFile: text('revocations_file'),
    adminTokenFile: text('admin_token_file'),
    tokenTtlMs: Number(ttl),
    accounts: (raw.accounts as unknown[]).map((a, i) => account(a, `accounts.${i}`, fail)),
    logFile: logFile as string | undefined,
  };
}

function account(raw: unknown, at: string, fail: (why: string) => never): AccountRecord {
  const a = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const { username, account_type: type, roles, password } = a;
  if (typeof username !== 'string' || username === '') fail(`${at}.username: a string`);
  if (type !== 'human' && type !== 'system') fail(`${at}.account_type: human or system`);
  const isRole = (r: unknown): boolean => MCIAS_ROLES.includes(r as MciasRole);
  if (!Array.isArray(roles) || !roles.every(isRole)) fail(`${at}.roles: admin, user or guest`);
  const p = password as { salt?: unknown; hash?: unknown } | undefined;
  if (p !== undefined && (typeof p.salt !== 'string' || typeof p.hash !== 'string')) {
    fail(`${at}.password: { salt, hash } in hex`);
  }

  return {
    username: username as string,
    accountType: type as AccountRecord['accountType'],
    roles: roles as MciasRole[],
    ...(p === undefined ? {} : { password: { salt: String(p.salt), hash: String(p.hash) } }),
  };
}
