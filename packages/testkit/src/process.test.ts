import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, expect, test } from 'vitest';

import { ServiceExitedError, SpawnFailedError } from './errors.js';
import { spawnProcess, waitUntilReady } from './process.js';
import { waitFor } from './wait.js';

const dir = await mkdtemp(join(tmpdir(), 'mcp-testkit-process-'));

afterAll(() => rm(dir, { recursive: true, force: true }));

test('spawnProcess writes stdout and stderr to its log file and stops on SIGTERM', async () => {
  const logFile = join(dir, 'logs', 'sh.log');
  const proc = await spawnProcess(
    'sh',
    ['-c', 'echo to-stdout; echo to-stderr >&2; exec sleep 30'],
    {
      logFile,
    },
  );

  await waitFor(async () => (await readFile(logFile, 'utf8')).includes('to-stderr'), {
    what: 'both lines in the log',
  });
  await proc.stop();

  expect(await readFile(logFile, 'utf8')).toContain('to-stdout');
  expect(await proc.exited).toEqual({ code: null, signal: 'SIGTERM' });
  expect(proc.running()).toBe(false);
});

test('spawnProcess stop sends SIGKILL when SIGTERM is ignored', async () => {
  const logFile = join(dir, 'stubborn.log');
  const script =
    "process.on('SIGTERM', () => console.log('ignored')); console.log('ready');" +
    'setInterval(() => {}, 1000);';
  const proc = await spawnProcess(process.execPath, ['-e', script], { logFile });
  await waitFor(async () => (await readFile(logFile, 'utf8')).includes('ready'), {
    what: 'the stubborn process',
  });

  await proc.stop(300);

  expect((await proc.exited).signal).toBe('SIGKILL');
  expect(await readFile(logFile, 'utf8')).toContain('ignored');
});

test('spawnProcess rejects a program that does not exist', async () => {
  const spawn = spawnProcess('mcp-no-such-program', [], { logFile: join(dir, 'none.log') });

  await expect(spawn).rejects.toThrow(SpawnFailedError);
  await expect(spawn).rejects.toThrow("failed to spawn 'mcp-no-such-program'");
});

test('waitUntilReady fails at once with the log tail when the process exits first', async () => {
  const proc = await spawnProcess('sh', ['-c', 'echo config is broken; exit 3'], {
    logFile: join(dir, 'broken.log'),
  });
  const started = Date.now();

  const ready = waitUntilReady(proc, () => false, {
    what: 'the broken service',
    timeoutMs: 10_000,
  });

  await expect(ready).rejects.toThrow(ServiceExitedError);
  await expect(ready).rejects.toThrow(
    /exited with status 3 before it was ready:\nconfig is broken/,
  );
  expect(Date.now() - started).toBeLessThan(5_000);
});
