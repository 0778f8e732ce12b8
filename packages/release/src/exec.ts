// Running the build's tools; a failure names the command and carries its output.
import { execFile } from 'node:child_process';

import { ToolFailedError } from './errors.js';

/** Runs `cmd args` to completion and resolves to its stdout. */
export function exec(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 600_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err) reject(new ToolFailedError([cmd, ...args].join(' '), `${stderr}${stdout}`, err));
        else resolvePromise(stdout);
      },
    );
  });
}
