import { createServer } from 'node:net';

import { expect, test } from 'vitest';

import { WaitTimeoutError } from './errors.js';
import { freePort } from './net.js';
import { waitFor, waitForTcp } from './wait.js';

test('waitFor returns the first value that is not undefined, null or false', async () => {
  let calls = 0;

  const value = await waitFor(
    () => {
      calls += 1;
      if (calls === 1) throw new Error('not yet');
      return calls < 4 ? false : `ready after ${calls}`;
    },
    { what: 'a counter', intervalMs: 1 },
  );

  expect(value).toBe('ready after 4');
});

test('waitFor names what it waited for and keeps the last error on timeout', async () => {
  const wait = waitFor(
    () => {
      throw new Error('connection refused');
    },
    { what: 'the frobnicator on 127.0.0.9:1', timeoutMs: 100, intervalMs: 10 },
  );

  await expect(wait).rejects.toThrow(WaitTimeoutError);
  await expect(wait).rejects.toThrow(
    'failed to wait for the frobnicator on 127.0.0.9:1: not ready after 100 ms; last error: connection refused',
  );
});

test('waitFor stops polling when its signal aborts', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('gave up')), 30);

  const wait = waitFor(() => false, { what: 'never', signal: controller.signal, intervalMs: 5 });

  await expect(wait).rejects.toThrow('gave up');
});

test('waitForTcp resolves once a listener appears', async () => {
  const port = await freePort();
  const server = createServer();
  setTimeout(() => server.listen(port, '127.0.0.1'), 200);

  try {
    await waitForTcp('127.0.0.1', port, 5_000);
  } finally {
    server.close();
  }
});
