import { createServer } from 'node:net';

import { expect, test } from 'vitest';

import { allocateLoopbackAddress, freePort } from './net.js';

test('allocateLoopbackAddress hands out distinct addresses of one random 127.x.y.0/24', () => {
  const addresses = [
    allocateLoopbackAddress(),
    allocateLoopbackAddress(),
    allocateLoopbackAddress(),
  ];

  const [block] = addresses.map((a) => a.split('.').slice(0, 3).join('.'));
  expect(block).toMatch(/^127\.1\d\d\.\d{1,3}$/);
  expect(addresses).toEqual([`${block}.2`, `${block}.3`, `${block}.4`]);
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
