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

/**
 * Hands out 127.0.0.2, 127.0.0.3, ... once each in this process, so every test node gets its own
 * address. Linux routes all of 127.0.0.0/8 to `lo`, so nothing needs configuring. Addresses are
 * unique per process only: parallel test processes may get the same address, and must pick their
 * ports with `freePort`.
 */
export function allocateLoopbackAddress(): string {
  if (nextHostByte > 254) throw new LoopbackExhaustedError();

  const address = `127.0.0.${nextHostByte}`;
  nextHostByte += 1;
  return address;
}
