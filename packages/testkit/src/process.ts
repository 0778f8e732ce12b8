import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { registerCleanup } from './cleanup.js';
import { ServiceExitedError, SpawnFailedError } from './errors.js';
import { findTool } from './requirements.js';
import type { WaitOptions } from './wait.js';
import { waitFor } from './wait.js';

/** How to start a long-running process. */
export interface SpawnOptions {
  /** File that receives stdout and stderr (appended; its directory is created). */
  readonly logFile: string;
  /** Full environment of the process. Default: this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Working directory. Default: this process's. */
  readonly cwd?: string;
}

/** How a process ended. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running process started by `spawnProcess`. */
export interface SpawnedProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  running(): boolean;
  /** The last `lines` lines of the log file (default 20), for error messages. */
  logTail(lines?: number): string;
  /** SIGTERM to this PID only, SIGKILL after `timeoutMs` (default 5 000). Safe to call twice. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Starts a process in its own process group (so a Ctrl-C in the terminal reaches only the test
 * runner, whose cleanup then stops it in order), logging to a file, registered for cleanup.
 */
export async function spawnProcess(
  cmd: string,
  args: readonly string[],
  options: SpawnOptions,
): Promise<SpawnedProcess> {
  const { logFile } = options;
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');

  // Start, and learn whether the program could be executed at all.
  const child = spawn(findTool(cmd) ?? cmd, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  let status: ExitStatus | undefined;
  let unregister = (): void => undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      // A process that ended by itself has nothing left to clean up.
      status = { code, signal };
      unregister();
      resolve(status);
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) =>
      reject(new SpawnFailedError([cmd, ...args].join(' '), { cause: err })),
    );
  });
  const pid = child.pid as number;
  child.unref();

  const stop = async (timeoutMs = 5_000): Promise<void> => {
    unregister();
    if (status !== undefined) return;

    signal(pid, 'SIGTERM');
    const timer = new AbortController();
    const gone = await Promise.race([
      exited.then(() => true),
      sleep(timeoutMs, false, { signal: timer.signal }).catch(() => true),
    ]);
    timer.abort();
    if (!gone) signal(pid, 'SIGKILL');
    await exited;
  };
  unregister = registerCleanup({
    label: `process ${pid} (${cmd})`,
    stop: () => stop(),
    stopSync: () => signal(pid, 'SIGKILL'),
  });

  return {
    pid,
    logFile,
    exited,
    running: () => status === undefined,
    logTail: (lines = 20) => tail(logFile, lines),
    stop,
  };
}

/**
 * Whether a process with this PID still runs. A zombie counts as gone: it has exited and only
 * waits for its parent (for conmon, which double-forks, that is init) to collect its status.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }

  try {
    // The state letter follows the parenthesised command name, which may itself hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Polls `probe` like `waitFor` until it returns something, but fails at once with the log tail
 * when the process exits first.
 */
export async function waitUntilReady<T>(
  proc: SpawnedProcess,
  probe: () => T,
  options: WaitOptions,
): Promise<Exclude<Awaited<T>, undefined | null | false>> {
  const done = new AbortController();
  const died = proc.exited.then((status): never => {
    throw new ServiceExitedError(options.what, status.code, proc.logTail());
  });
  died.catch(() => undefined);

  try {
    return await Promise.race([waitFor(probe, { ...options, signal: done.signal }), died]);
  } finally {
    done.abort();
  }
}
