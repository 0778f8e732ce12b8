// The edge agent's refusals of an edge route, one class per condition.
import type { EdgeRoute } from '@mcp/proto';

/** A field of an edge route that the edge will not accept; answered as INVALID_ARGUMENT. */
export class InvalidEdgeRouteError extends Error {
  readonly code = 'INVALID_EDGE_ROUTE';
  readonly hostname: string;
  readonly listenerPort: number;

  constructor(
    route: Pick<EdgeRoute, 'hostname' | 'listenerPort'>,
    readonly field: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `failed to set up edge route '${route.hostname}:${route.listenerPort}': ${field}: ${reason}`,
      options,
    );
    this.name = 'InvalidEdgeRouteError';
    this.hostname = route.hostname;
    this.listenerPort = route.listenerPort;
  }
}
