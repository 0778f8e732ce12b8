import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, expect, test } from 'vitest';

import { cleanupAll, pendingCleanups, registerCleanup } from './cleanup.js';
import { TeardownError } from './errors.js';
import { processAlive } from './process.js';
import { waitFor } from './wait.js';

const base = await mkdtemp(join(tmpdir(), 'mcp-testkit-cleanup-'));
const fixture = fileURLToPath(new URL('../test/fixtures/started-then-ended.mjs', import.meta.url));

afterAll(() => rm(base, { recursive: true, force: true }));

test('cleanupAll stops in reverse order, attempts every stop and reports failures together', async () => {
  const order: string[] = [];
  registerCleanup({ label: 'first', stop: () => Promise.resolve(void order.push('first')) });
  registerCleanup({
    label: 'second',
    stop: () => Promise.reject(new Error('second would not stop')),
  });
  const unregister = registerCleanup({ label: 'gone', stop: () => Promise.resolve() });
  registerCleanup({ label: 'third', stop: () => Promise.resolve(void order.push('third')) });
  unregister();

  const cleanup = cleanupAll();

  await expect(cleanup).rejects.toThrow(TeardownError);
  await expect(cleanup).rejects.toThrow('second would not stop');
  expect(order).toEqual(['third', 'first']);
  expect(pendingCleanups()).toBe(0);
});

test('cleanup on SIGTERM stops what the process started and removes its directories', async () => {
  const dir = join(base, 'sigterm');
  const child = startFixture(dir);
  const started = await child.started;

  child.process.kill('SIGTERM');
  const exit = await child.exited;

  expect(exit.signal).toBe('SIGTERM');
  expect(processAlive(started.registryPid)).toBe(false);
  expect(processAlive(started.sleepPid)).toBe(false);
  expect(existsSync(dir)).toBe(false);
});

test('cleanup on process exit kills what the process started, without waiting', async () => {
  const dir = join(base, 'exit');
  const child = startFixture(dir, 'exit');
  const started = await child.started;

  const exit = await child.exited;

  expect(exit.code).toBe(0);
  await waitFor(() => !processAlive(started.registryPid) && !processAlive(started.sleepPid), {
    what: 'the registry and sleep of the exited fixture to die',
  });
  expect(existsSync(dir)).toBe(false);
});

interface Started {
  registryPid: number;
  sleepPid: number;
}

function startFixture(dir: string, mode = 'wait') {
  const child = spawn(process.execPath, [fixture, dir, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const started = new Promise<Started>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(JSON.parse(output) as Started);
    });
    child.once('exit', () => reject(new Error(`fixture exited early: ${output}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, started, exited };
}
