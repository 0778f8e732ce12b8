import { createServer } from 'node:net';

import { expect, test } from 'vitest';

import { allocateLoopbackAddress, freePort } from './net.js';

test('allocateLoopbackAddress hands out distinct 127.0.0.x addresses from .2 upward', () => {
  const addresses = [
    allocateLoopbackAddress(),
    allocateLoopbackAddress(),
    allocateLoopbackAddress(),
  ];

  expect(addresses).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
});

test('freePort returns a port that can be bound on the given loopback address', async () => {
  const host = allocateLoopbackAddress();
  const port = await freePort(host);
  const server = createServer();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  server.close();

  expect(port).toBeGreaterThan(0);
});
