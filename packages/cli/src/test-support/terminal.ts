// Runs the real `mcp` on a pseudo-terminal (util-linux `script`), for prompts that need a TTY:
// what the test writes arrives as keys, and the output is what the terminal would show.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { CliHome, CliResult } from './cli.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

/** An `mcp` process on a terminal. */
export interface TerminalRun {
  /** Types `keys` (as they are: `\r` for Enter, `\x03` for Ctrl-C, `\x7f` for Backspace). */
  type(keys: string): void;
  /** Resolves once the screen shows `text`; rejects after `timeoutMs` (default 10 s). */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Everything the terminal showed so far. */
  screen(): string;
  done: Promise<CliResult>;
}

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/** Starts `mcp <args>` on a fresh pseudo-terminal with the home's config. */
export function startCliOnTerminal(home: CliHome, args: string[]): TerminalRun {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const child = spawn(
    'script',
    ['--quiet', '--flush', '--return', '--command', command, '/dev/null'],
    {
      env: { ...process.env, HOME: home.dir, XDG_CONFIG_HOME: '', MCP_CONFIG: home.config },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const watchers = new Set<() => void>();
  child.stdout.on('data', (b: Buffer) => {
    out.push(b);
    for (const w of watchers) w();
  });
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const screen = (): string => Buffer.concat(out).toString('utf8');

  return {
    type: (keys) => child.stdin.write(keys),
    screen,
    waitFor: (text, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!screen().includes(text)) return;
          watchers.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`the terminal never showed ${JSON.stringify(text)}:\n${screen()}`));
        }, timeoutMs);
        watchers.add(check);
        check();
      }),
    done: new Promise<CliResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        child.stdin.destroy();
        resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
      });
    }),
  };
}
