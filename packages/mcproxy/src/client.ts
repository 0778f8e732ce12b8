// The adapter to mc-proxy's admin API: mcproxy.v1 over a Unix socket, spoken in the fleet's own
// RouteEntry so that callers never see the proxy's types.
import { mcproxy, RouteMode, type RouteEntry } from '@mcp/proto';
import { ClientError, createChannel, createClient, Status, type Channel } from 'nice-grpc';

import { ProxyUnavailableError, RouteRefusedError } from './errors.js';

/** Deadline of one admin call, in milliseconds. */
const CALL_TIMEOUT_MS = 5_000;

type AdminClient = mcproxy.ProxyAdminServiceClient;

/** One mc-proxy's route table, reached through its admin socket. */
export class ProxyClient {
  private readonly channel: Channel;
  private readonly admin: AdminClient;

  /** `socketPath`: mc-proxy's admin Unix socket. The channel connects on first use. */
  constructor(readonly socketPath: string) {
    this.channel = createChannel(`unix://${socketPath}`);
    this.admin = createClient(mcproxy.ProxyAdminServiceDefinition, this.channel);
  }

  /** Every route of every listener, sorted by listener port, then hostname. */
  async listRoutes(): Promise<RouteEntry[]> {
    const out = await this.call('list routes', (o) => this.admin.listRoutes({}, o));
    return out.routes.map(fromProxy);
  }

  /** Adds or replaces a route; resolves to false when an identical one was there. */
  async addRoute(route: RouteEntry): Promise<boolean> {
    try {
      const out = await this.call('add route', (o) =>
        this.admin.addRoute({ route: toProxy(route) }, o),
      );
      return out.changed;
    } catch (err) {
      const refused = err instanceof ProxyUnavailableError && refusal(err.cause);
      if (refused) throw new RouteRefusedError(route, refused, { cause: err.cause });
      throw err;
    }
  }

  /** Removes a route; resolves to false when there was none. */
  async removeRoute(listenerPort: number, hostname: string): Promise<boolean> {
    const out = await this.call('remove route', (o) =>
      this.admin.removeRoute({ listenerPort, hostname }, o),
    );
    return out.removed;
  }

  /** The proxy's version and listeners. */
  status(): Promise<mcproxy.GetStatusResponse> {
    return this.call('get status', (o) => this.admin.getStatus({}, o));
  }

  close(): void {
    this.channel.close();
  }

  private async call<T>(operation: string, fn: (o: { signal: AbortSignal }) => Promise<T>) {
    try {
      return await fn({ signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    } catch (err) {
      throw new ProxyUnavailableError(this.socketPath, operation, { cause: err });
    }
  }
}

/** The proxy's reason when it answered and refused, undefined when it did not answer. */
function refusal(err: unknown): string | undefined {
  if (!(err instanceof ClientError)) return undefined;
  const refused = [Status.INVALID_ARGUMENT, Status.FAILED_PRECONDITION];
  return refused.includes(err.code) ? err.details : undefined;
}

function toProxy(r: RouteEntry): mcproxy.Route {
  return {
    listenerPort: r.listenerPort,
    hostname: r.hostname,
    backend: r.backend,
    mode:
      r.mode === RouteMode.ROUTE_MODE_L4
        ? mcproxy.RouteMode.ROUTE_MODE_L4
        : mcproxy.RouteMode.ROUTE_MODE_L7,
    backendTls: r.backendTls,
    tlsCertPath: r.tlsCertPath,
    tlsKeyPath: r.tlsKeyPath,
  };
}

function fromProxy(r: mcproxy.Route): RouteEntry {
  return {
    listenerPort: r.listenerPort,
    hostname: r.hostname,
    backend: r.backend,
    mode:
      r.mode === mcproxy.RouteMode.ROUTE_MODE_L4
        ? RouteMode.ROUTE_MODE_L4
        : RouteMode.ROUTE_MODE_L7,
    backendTls: r.backendTls,
    tlsCertPath: r.tlsCertPath,
    tlsKeyPath: r.tlsKeyPath,
  };
}
