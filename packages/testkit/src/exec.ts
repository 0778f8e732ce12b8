import { execFile, spawnSync } from 'node:child_process';

import { CommandFailedError } from './errors.js';
import { findTool } from './requirements.js';

/** How to run a command to completion. */
export interface RunOptions {
  /** Full environment of the command. Default: this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Working directory. Default: this process's. */
  readonly cwd?: string;
  /** Kill the command after this long. Default: 120 000 ms. */
  readonly timeoutMs?: number;
}

/** Runs a command and returns its stdout; a non-zero exit throws `CommandFailedError`. */
export function run(
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const command = [cmd, ...args].join(' ');

  return new Promise((resolve, reject) => {
    execFile(
      findTool(cmd) ?? cmd,
      args,
      {
        env: options.env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err === null) {
          resolve(stdout);
          return;
        }
        const exitCode = typeof err.code === 'number' ? err.code : null;
        reject(new CommandFailedError(command, exitCode, stderr || err.message, { cause: err }));
      },
    );
  });
}

/** Blocking twin of `run`, for the process `exit` handler where nothing asynchronous runs. */
export function runSync(cmd: string, args: readonly string[], options: RunOptions = {}): string {
  const result = spawnSync(findTool(cmd) ?? cmd, args, {
    env: options.env,
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 60_000,
    encoding: 'utf8',
  });

  if (result.status !== 0) {
    const stderr = result.stderr || result.error?.message || '';
    throw new CommandFailedError([cmd, ...args].join(' '), result.status, stderr, {
      cause: result.error,
    });
  }
  return result.stdout;
}
