// A stand-in's process that a test can stop, start again on the same config and state, or kill
// as a crash would: the shape every testkit server shares (mc-proxy, MCNS, Pebble).
import { spawnProcess, waitUntilReady, type SpawnedProcess } from './process.js';

/** How to run one restartable server. */
export interface RestartableOptions {
  command: string;
  args: readonly string[];
  logFile: string;
  /** Full environment of the process. Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** What the server is, for the error when it never gets ready. */
  what: string;
  /** Resolves true once the server answers; a throw counts as not yet. */
  ready: () => Promise<boolean>;
  /** How long to wait for `ready`. Default 15 000 ms. */
  readyTimeoutMs?: number;
}

export interface Restartable {
  /** PID of the running process (of the last one while stopped); 0 before the first start. */
  readonly pid: number;
  /** Starts the process (no-op while it runs) and waits until it is ready; stops it if not. */
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL at once. */
  kill(): Promise<void>;
}

export function restartable(opts: RestartableOptions): Restartable {
  // spawnProcess registers each process for cleanup; a stopped instance has nothing to clean.
  let proc: SpawnedProcess | undefined;
  const stop = async (): Promise<void> => {
    await proc?.stop();
  };

  return {
    get pid() {
      return proc?.pid ?? 0;
    },
    async start() {
      if (proc?.running()) return;
      proc = await spawnProcess(opts.command, [...opts.args], {
        logFile: opts.logFile,
        ...(opts.env ? { env: opts.env } : {}),
      });
      try {
        await waitUntilReady(proc, opts.ready, {
          what: opts.what,
          timeoutMs: opts.readyTimeoutMs ?? 15_000,
        });
      } catch (err) {
        await stop();
        throw err;
      }
    },
    stop,
    async kill() {
      if (proc?.running()) process.kill(proc.pid, 'SIGKILL');
      await proc?.exited;
    },
  };
}
