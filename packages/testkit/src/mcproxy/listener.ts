// One listener: reads each connection's ClientHello, looks up the route by its SNI, and hands
// the connection to L4 passthrough or L7 termination.
import { createServer, type Server, type Socket } from 'node:net';

import { mcproxy } from '@mcp/proto';

import { tlsAlert } from './backend.js';
import { readClientHello } from './hello.js';
import type { HttpProxy } from './l7.js';
import { relayL4 } from './l4.js';
import type { Log } from './log.js';
import type { RouteStore } from './store.js';
import { normalizeHostname } from './validate.js';

/** How long a client may take to send its whole ClientHello. */
export const HELLO_TIMEOUT_MS = 5_000;

export interface ListenerContext {
  readonly store: RouteStore;
  readonly http: HttpProxy;
  readonly log: Log;
}

/** A bound port with its connection counters. */
export class Listener {
  active = 0;
  total = 0;
  private readonly server: Server;

  constructor(
    readonly address: string,
    readonly port: number,
    private readonly ctx: ListenerContext,
  ) {
    this.server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
  }

  get hostPort(): string {
    return this.address.includes(':')
      ? `[${this.address}]:${this.port}`
      : `${this.address}:${this.port}`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, this.address, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  close(): void {
    this.server.close();
  }

  private accept(socket: Socket): void {
    this.active += 1;
    this.total += 1;
    socket.once('close', () => (this.active -= 1));
    socket.on('error', (err) => this.ctx.log('debug', 'client connection failed', { err }));

    // Buffer until the ClientHello is complete, within a size and a time bound.
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const hello = readClientHello(buffered);
      if (hello.kind === 'incomplete') return;

      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', endedEarly);
      socket.pause();
      if (hello.kind === 'invalid') {
        this.ctx.log('debug', 'connection is not TLS', { port: this.port, reason: hello.reason });
        socket.destroy();
        return;
      }
      this.dispatch(socket, buffered, normalizeHostname(hello.serverName ?? ''));
    };
    // Half-open connections are allowed for L4 relays; one that ends before its hello is done.
    const endedEarly = (): void => {
      clearTimeout(timer);
      socket.destroy();
    };
    socket.on('data', onData);
    socket.once('end', endedEarly);
  }

  private dispatch(socket: Socket, buffered: Buffer, hostname: string): void {
    const route = hostname === '' ? undefined : this.ctx.store.get(this.port, hostname);
    if (route === undefined) {
      this.ctx.log('debug', 'no route', { port: this.port, hostname });
      socket.end(tlsAlert('unrecognized_name'));
      return;
    }

    this.ctx.log('debug', 'connection routed', { port: this.port, hostname, mode: route.mode });
    if (route.mode === mcproxy.RouteMode.ROUTE_MODE_L4)
      relayL4(socket, buffered, route, this.ctx.log);
    else this.ctx.http.terminate(socket, buffered, route);
  }
}
