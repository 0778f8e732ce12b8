// startMcns: the MCNS stand-in as a child process, restartable on the same records.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { chmod, mkdir, realpath, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { stringify } from 'smol-toml';

import { freePort } from '../net.js';
import { restartable } from '../restartable.js';

/** The program, run from the built package (`pnpm --filter @mcp/testkit build`). */
export const MCNS_BIN = fileURLToPath(new URL('../../bin/mcns.js', import.meta.url));

/** Options of `startMcns`. */
export interface McnsOptions {
  /** Holds config, token, records and log; created. The caller removes it. */
  readonly dir: string;
  /** Address the REST API (TCP) and DNS (UDP) bind, e.g. from `allocateLoopbackAddress()`. */
  readonly address: string;
  /** The zone served, e.g. `mcp.test`. Give this or `zones`. */
  readonly zone?: string;
  /** The zones served. Default: `[zone]`. */
  readonly zones?: readonly string[];
  /** The bearer token the REST API requires. Default: 32 random bytes, hex. */
  readonly token?: string;
  /** How long to wait for the REST API to answer. Default: 15 000 ms. */
  readonly readyTimeoutMs?: number;
}

/** A running (or stopped, restartable) MCNS stand-in. */
export interface Mcns {
  /** Base URL of the REST API, `http://<address>:<port>` (records under `/v1/zones/...`). */
  readonly url: string;
  /** Where DNS queries go (UDP): `resolver.setServers([`${host}:${port}`])`. */
  readonly dnsAddress: { readonly host: string; readonly port: number };
  readonly zones: readonly string[];
  readonly token: string;
  /** Holds `token`, mode 0600: what a master's `[mcns] token_file` names. */
  readonly tokenFile: string;
  /** JSON file of the records; delete it while stopped to start empty. */
  readonly dbPath: string;
  readonly configFile: string;
  /** PID of the running process (of the last one while stopped). */
  readonly pid: number;
  /** Both the program's own log lines and its stderr. */
  readonly logFile: string;
  /** SIGTERM, then SIGKILL after 5 s; the records are kept. Safe to call twice. */
  stop(): Promise<void>;
  /** Starts it again on the same config, ports and records (no-op while it runs). */
  start(): Promise<void>;
  /** SIGKILL at once, as a crash would; the records are kept. */
  kill(): Promise<void>;
}

/** Writes the config and token, starts the stand-in and waits until its REST API answers. */
export async function startMcns(options: McnsOptions): Promise<Mcns> {
  const zones = [...(options.zones ?? (options.zone === undefined ? [] : [options.zone]))];
  if (zones.length === 0) throw new Error('startMcns: give `zone` or `zones`');
  await mkdir(resolve(options.dir), { recursive: true });
  const dir = await realpath(resolve(options.dir));
  const token = options.token ?? randomBytes(32).toString('hex');
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  await chmod(tokenFile, 0o600);

  const httpPort = await freePort(options.address);
  const dnsPort = await freeUdpPort(options.address);
  const dbPath = join(dir, 'records.json');
  const logFile = join(dir, 'mcns.log');
  const configFile = join(dir, 'mcns.toml');
  const config = {
    address: options.address,
    http_port: httpPort,
    dns_port: dnsPort,
    zones,
    token_file: tokenFile,
    database: dbPath,
    log_file: logFile,
  };
  await writeFile(configFile, stringify(config));
  const host = options.address.includes(':') ? `[${options.address}]` : options.address;
  const url = `http://${host}:${httpPort}`;

  const run = restartable({
    command: process.execPath,
    args: [MCNS_BIN, '--config', configFile],
    logFile,
    what: `MCNS stand-in at ${url}`,
    ready: () => answers(url, zones[0] ?? '', token),
    readyTimeoutMs: options.readyTimeoutMs,
  });

  await run.start();
  return {
    url,
    dnsAddress: { host: options.address, port: dnsPort },
    zones,
    token,
    tokenFile,
    dbPath,
    configFile,
    get pid() {
      return run.pid;
    },
    logFile,
    stop: () => run.stop(),
    start: () => run.start(),
    kill: () => run.kill(),
  };
}

/** A UDP port that was free on `host` a moment ago. */
export function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

async function answers(url: string, zone: string, token: string): Promise<boolean> {
  const res = await fetch(`${url}/v1/zones/${zone}/records`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(1_000),
  });
  return res.status === 200;
}
