// The admin API, mcproxy.v1.ProxyAdminService, served on a Unix socket only the owner can use.
import { chmodSync, rmSync } from 'node:fs';

import { mcproxy } from '@mcp/proto';
import { createServer, ServerError, Status, type Server } from 'nice-grpc';

import type { Log } from './log.js';
import type { RouteStore } from './store.js';
import { checkRoute, NoListenerError, normalizeHostname, RouteInvalidError } from './validate.js';

/** What the admin API reads from the running proxy. */
export interface AdminContext {
  readonly version: string;
  readonly startedAtMs: number;
  readonly listeners: readonly number[];
  readonly store: RouteStore;
  /** Counters of the listener on `port`. */
  readonly counters: (port: number) => { address: string; active: number; total: number };
  readonly log: Log;
}

export function adminService(ctx: AdminContext): mcproxy.ProxyAdminServiceImplementation {
  return {
    async getStatus() {
      const listeners = ctx.listeners.map((port) => {
        const c = ctx.counters(port);
        return {
          port,
          address: c.address,
          routes: ctx.store.count(port),
          activeConnections: c.active,
          totalConnections: c.total,
        };
      });
      return { version: ctx.version, startedAtMs: ctx.startedAtMs, listeners };
    },

    async listRoutes(req) {
      return { routes: ctx.store.list(req.listenerPort) };
    },

    async addRoute(req) {
      const route = refuseAsStatus(() => checkRoute(req.route, ctx.listeners));
      const changed = ctx.store.upsert(route);
      if (changed) ctx.log('info', 'route added', { ...route });
      return { changed };
    },

    async removeRoute(req) {
      const hostname = normalizeHostname(req.hostname);
      if (hostname === '') throw new ServerError(Status.INVALID_ARGUMENT, 'hostname: required');
      const removed = ctx.store.remove(req.listenerPort, hostname);
      if (removed) ctx.log('info', 'route removed', { listenerPort: req.listenerPort, hostname });
      return { removed };
    },
  };
}

function refuseAsStatus<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RouteInvalidError)
      throw new ServerError(Status.INVALID_ARGUMENT, err.message);
    if (err instanceof NoListenerError) {
      throw new ServerError(Status.FAILED_PRECONDITION, err.message);
    }
    throw err;
  }
}

/** Serves the admin API on `socketPath`, replacing a stale socket file; mode 0600. */
export async function serveAdmin(socketPath: string, ctx: AdminContext): Promise<Server> {
  rmSync(socketPath, { force: true });
  const server = createServer();
  server.add(mcproxy.ProxyAdminServiceDefinition, adminService(ctx));

  // The umask keeps the socket private from the moment it exists; chmod makes sure of it.
  const umask = process.umask(0o177);
  try {
    await server.listen(`unix://${socketPath}`);
  } finally {
    process.umask(umask);
  }
  chmodSync(socketPath, 0o600);
  return server;
}
