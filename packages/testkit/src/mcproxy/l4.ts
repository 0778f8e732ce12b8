// L4 routes: the connection goes to the backend byte for byte, the ClientHello included, so
// the client completes its TLS handshake with the backend itself.
import { connect, type Socket } from 'node:net';

import type { mcproxy } from '@mcp/proto';

import { splitBackend } from './backend.js';
import type { Log } from './log.js';

/** Connects to the route's backend, replays the buffered bytes, then pipes both ways. */
export function relayL4(client: Socket, buffered: Buffer, route: mcproxy.Route, log: Log): void {
  const backend = connect({ ...splitBackend(route.backend), allowHalfOpen: true });

  backend.once('connect', () => {
    backend.setNoDelay(true);
    backend.write(buffered);
    client.pipe(backend);
    backend.pipe(client);
  });

  // A reset on one side ends the other; an orderly end travels through the pipes.
  backend.on('error', (err) => {
    log('debug', 'backend connection failed', { backend: route.backend, err });
    client.destroy();
  });
  client.on('error', () => backend.destroy());
  client.once('close', () => backend.destroy());
}
