import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

import { LoopbackExhaustedError } from './errors.js';

/**
 * Returns a TCP port that was free on `host` a moment ago (default 127.0.0.1). Another process
 * can take it before the caller binds it; use it where a program must be told its port up front.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let nextHostByte = 2;
// Each process takes its own random /24 of 127.100.0.0-127.199.255.0, so fleets of parallel
// processes (a demo beside a test run, two sessions) almost never share an address, and so never
// compete for the same host ports.
const block = `127.${100 + randomInt(100)}.${randomInt(256)}`;

/**
 * Hands out `127.a.b.2`, `127.a.b.3`, ... once each in this process, so every test node gets its
 * own address. Linux routes all of 127.0.0.0/8 to `lo`, so nothing needs configuring.
 */
export function allocateLoopbackAddress(): string {
  if (nextHostByte > 254) throw new LoopbackExhaustedError();

  const address = `${block}.${nextHostByte}`;
  nextHostByte += 1;
  return address;
}
