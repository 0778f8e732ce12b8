// startMcias: the MCIAS stand-in as a child process, restartable on the same port, signing key
// and revocations.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, realpath, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { TestCa } from '../ca.js';
import { MciasRequestError } from '../errors.js';
import { freePort } from '../net.js';
import { restartable } from '../restartable.js';
import { resolveAccounts, type MciasAccounts } from './accounts.js';
import { mciasCall, type MciasResponse } from './client.js';
import { mciasConfigJson } from './config.js';

/** The program, run from the built package (`pnpm --filter @mcp/testkit build`). */
export const MCIAS_BIN = fileURLToPath(new URL('../../bin/mcias.js', import.meta.url));

/** Options of `startMcias`. */
export interface MciasOptions {
  /** Holds config, certificate, signing key, revocations, admin token and log; created. The
   * caller removes it. Start again on the same dir to keep the key and revocations. */
  readonly dir: string;
  /** Address the HTTPS server binds, e.g. from `allocateLoopbackAddress()`; its IP SAN. */
  readonly address: string;
  /** Issues the server's certificate; clients trust `ca.certPath`. */
  readonly ca: TestCa;
  /** Default: humans `alice` (admin), `bob` (user), `gail` (guest); no service accounts. */
  readonly accounts?: MciasAccounts;
  /** Lifetime of a token from login. Default: 3 600 000 ms (one hour). */
  readonly tokenTtlMs?: number;
  /** How long to wait for the API to answer. Default: 15 000 ms. */
  readonly readyTimeoutMs?: number;
}

/** A running (or stopped, restartable) MCIAS stand-in. */
export interface Mcias {
  /** `https://<address>:<port>`. */
  readonly url: string;
  /** The CA certificate clients must trust (`ca.certPath`). */
  readonly caFile: string;
  readonly address: string;
  readonly port: number;
  /** Holds the bearer token of `/v1/admin/*`, mode 0600. */
  readonly adminTokenFile: string;
  /** One JSON line per request (method, path, status, durationMs), and the program's stderr. */
  readonly logFile: string;
  /** PID of the running process (of the last one while stopped). */
  readonly pid: number;
  /** The password of a human account; throws for any other name. */
  password(username: string): string;
  /** Logs in through `POST /v1/auth/login`; `password` defaults to the account's. */
  login(username: string, password?: string, ttlMs?: number): Promise<string>;
  /** A token for any account, human or system, through the admin endpoint. Default ttl: the
   * stand-in's `tokenTtlMs`; a negative one gives a token that is expired already. */
  issueToken(username: string, opts?: { ttlMs?: number }): Promise<string>;
  /** Issues a token and writes `<token>\n` to `path`, mode 0600; returns the token. */
  writeTokenFile(username: string, path: string, opts?: { ttlMs?: number }): Promise<string>;
  /** Revokes a token through the admin endpoint; `validate` then answers `revoked`. */
  revoke(token: string): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s; key and revocations are kept. Safe to call twice. */
  stop(): Promise<void>;
  /** Starts it again on the same port, key and revocations (no-op while it runs). */
  start(): Promise<void>;
  /** SIGKILL at once, as a crash would; key and revocations are kept. */
  kill(): Promise<void>;
}

/** Writes config, certificate and admin token, starts the stand-in and waits until it answers. */
export async function startMcias(options: MciasOptions): Promise<Mcias> {
  await mkdir(resolve(options.dir), { recursive: true });
  const dir = await realpath(resolve(options.dir));
  const { records, passwords } = await resolveAccounts(options.accounts);
  const tokenTtlMs = options.tokenTtlMs ?? 3_600_000;
  if (!Number.isInteger(tokenTtlMs) || tokenTtlMs <= 0) {
    throw new Error('failed to start MCIAS stand-in: tokenTtlMs must be a positive integer');
  }

  // Secrets first, each only its owner may read.
  const adminToken = randomBytes(32).toString('hex');
  const adminTokenFile = join(dir, 'admin-token');
  await writeSecret(adminTokenFile, `${adminToken}\n`);
  const { certPath, keyPath } = await options.ca.issue({
    names: [options.address],
    dir,
    stem: 'server',
  });

  const port = await freePort(options.address);
  const logFile = join(dir, 'mcias.log');
  const configFile = join(dir, 'mcias.json');
  const config = {
    address: options.address,
    port,
    certFile: certPath,
    keyFile: keyPath,
    signingKeyFile: join(dir, 'signing-key.pem'),
    revocationsFile: join(dir, 'revoked.json'),
    adminTokenFile,
    tokenTtlMs,
    accounts: records,
    logFile,
  };
  await writeSecret(configFile, mciasConfigJson(config));
  const host = options.address.includes(':') ? `[${options.address}]` : options.address;
  const url = `https://${host}:${port}`;
  const ca = await readFile(options.ca.certPath);

  // Each call of the handle: status checked, the answer's error text kept for the message.
  const call = async (
    what: string,
    path: string,
    body: unknown,
    want: number,
    bearer?: string,
  ): Promise<MciasResponse> => {
    const res = await mciasCall({ url, ca, path, body, ...(bearer ? { bearer } : {}) });
    if (res.status !== want) {
      const reason = typeof res.body.error === 'string' ? res.body.error : 'unexpected answer';
      throw new MciasRequestError(what, path, res.status, reason);
    }
    return res;
  };
  const issueToken = async (username: string, opts?: { ttlMs?: number }): Promise<string> => {
    const body = { username, ...(opts?.ttlMs === undefined ? {} : { ttl_ms: opts.ttlMs }) };
    const res = await call(
      `issue a token for '${username}'`,
      '/v1/admin/tokens',
      body,
      200,
      adminToken,
    );
    return String(res.body.token);
  };

  const run = restartable({
    command: process.execPath,
    args: [MCIAS_BIN, '--config', configFile],
    logFile,
    what: `MCIAS stand-in at ${url}`,
    ready: async () => {
      const res = await mciasCall({ url, ca, path: '/v1/token/validate', body: { token: '' } });
      return res.status === 200;
    },
    readyTimeoutMs: options.readyTimeoutMs,
  });

  await run.start();
  return {
    url,
    caFile: options.ca.certPath,
    address: options.address,
    port,
    adminTokenFile,
    logFile,
    get pid() {
      return run.pid;
    },
    password(username) {
      const password = passwords.get(username);
      if (password === undefined) {
        throw new Error(`failed to find password of '${username}': no such human account`);
      }
      return password;
    },
    async login(username, password, ttlMs) {
      const body = {
        username,
        password: password ?? passwords.get(username) ?? '',
        ...(ttlMs === undefined ? {} : { ttl_ms: ttlMs }),
      };
      const res = await call(`log in '${username}'`, '/v1/auth/login', body, 200);
      return String(res.body.token);
    },
    issueToken,
    async writeTokenFile(username, path, opts) {
      const token = await issueToken(username, opts);
      await writeSecret(path, `${token}\n`);
      return token;
    },
    async revoke(token) {
      await call('revoke a token', '/v1/admin/revoke', { token }, 204, adminToken);
    },
    stop: () => run.stop(),
    start: () => run.start(),
    kill: () => run.kill(),
  };
}

// A new file renamed over the old: `mode` applies only to a file being created, and a file that
// was readable by others is never written with the secret in it.
async function writeSecret(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
  await rename(tmp, path);
}
