// One error class per condition of talking to mc-proxy.
import type { RouteEntry } from '@mcp/proto';

/** mc-proxy's admin socket did not answer (absent, refused, timed out). */
export class ProxyUnavailableError extends Error {
  readonly code = 'PROXY_UNAVAILABLE';
  constructor(
    readonly socketPath: string,
    readonly operation: string,
    options?: { cause?: unknown },
  ) {
    const why = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(`failed to ${operation} on mc-proxy at '${socketPath}': ${why}`, options);
    this.name = 'ProxyUnavailableError';
  }
}

/** mc-proxy answered, and refused the route (no such listener, bad field). */
export class RouteRefusedError extends Error {
  readonly code = 'ROUTE_REFUSED';
  constructor(
    readonly route: Pick<RouteEntry, 'listenerPort' | 'hostname'>,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to add route '${route.hostname}:${route.listenerPort}': ${reason}`, options);
    this.name = 'RouteRefusedError';
  }
}
