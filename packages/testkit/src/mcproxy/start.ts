// startMcProxy: the mc-proxy stand-in as a child process, restartable on the same database.
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { mcproxy } from '@mcp/proto';
import { createChannel, createClient } from 'nice-grpc';
import { stringify } from 'smol-toml';

import { SocketPathTooLongError } from '../errors.js';
import { restartable } from '../restartable.js';

/** The program, run from the built package (`pnpm --filter @mcp/testkit build`). */
export const MC_PROXY_BIN = fileURLToPath(new URL('../../bin/mc-proxy.js', import.meta.url));

// Linux limits a Unix socket path to 107 bytes.
const MAX_SOCKET_PATH = 107;

/** Options of `startMcProxy`. */
export interface McProxyOptions {
  /** Holds config, socket, database and log; created. The caller removes it. */
  readonly dir: string;
  /** Address every listener binds, e.g. from `allocateLoopbackAddress()`. */
  readonly address: string;
  /** Listener ports, e.g. from `freePort(address)`. At least one. */
  readonly listeners: readonly number[];
  /** PEM CA that re-encrypted (backend_tls) backends must chain to. Default: Node's roots. */
  readonly caFile?: string;
  /** How long to wait for GetStatus to answer. Default: 15 000 ms. */
  readonly readyTimeoutMs?: number;
}

/** A running (or stopped, restartable) mc-proxy stand-in. */
export interface McProxy {
  /** The admin API's Unix socket: `new ProxyClient(socketPath)`. */
  readonly socketPath: string;
  /** SQLite file of the routes; delete it while stopped to start empty. */
  readonly dbPath: string;
  readonly configFile: string;
  readonly address: string;
  readonly listeners: readonly number[];
  /** PID of the running process (of the last one while stopped). */
  readonly pid: number;
  /** Both the program's own log lines and its stderr. */
  readonly logFile: string;
  /** SIGTERM, then SIGKILL after 5 s; the database is kept. Safe to call twice. */
  stop(): Promise<void>;
  /** Starts it again on the same config and database (no-op while it runs). */
  start(): Promise<void>;
  /** SIGKILL at once, as a crash would; the database is kept. */
  kill(): Promise<void>;
}

/** Writes the config, starts the stand-in and waits until its admin API answers GetStatus. */
export async function startMcProxy(options: McProxyOptions): Promise<McProxy> {
  await mkdir(resolve(options.dir), { recursive: true });
  const dir = await realpath(resolve(options.dir));
  const socketPath = join(dir, 'admin.sock');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new SocketPathTooLongError('mc-proxy stand-in', socketPath);
  }
  const dbPath = join(dir, 'routes.db');
  const logFile = join(dir, 'mc-proxy.log');
  const configFile = join(dir, 'mc-proxy.toml');
  const config: Record<string, unknown> = {
    admin_socket: socketPath,
    database: dbPath,
    address: options.address,
    listeners: [...options.listeners],
    log_file: logFile,
  };
  if (options.caFile !== undefined) config.backend_ca_file = resolve(options.caFile);
  await writeFile(configFile, stringify(config));

  const run = restartable({
    command: process.execPath,
    args: [MC_PROXY_BIN, '--config', configFile],
    logFile,
    what: `mc-proxy stand-in on ${socketPath}`,
    ready: () => answers(socketPath),
    readyTimeoutMs: options.readyTimeoutMs,
  });

  await run.start();
  return {
    socketPath,
    dbPath,
    configFile,
    address: options.address,
    listeners: [...options.listeners],
    get pid() {
      return run.pid;
    },
    logFile,
    stop: () => run.stop(),
    start: () => run.start(),
    kill: () => run.kill(),
  };
}

async function answers(socketPath: string): Promise<boolean> {
  const channel = createChannel(`unix://${socketPath}`);
  try {
    const admin = createClient(mcproxy.ProxyAdminServiceDefinition, channel);
    await admin.getStatus({}, { signal: AbortSignal.timeout(1_000) });
    return true;
  } finally {
    channel.close();
  }
}
