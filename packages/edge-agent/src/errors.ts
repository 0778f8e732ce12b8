// The edge agent's refusals of an edge route, one class per condition.
import type { EdgeRoute } from '@mcp/proto';
import { clip } from '@mcp/security';

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
      `failed to set up edge route '${clip(route.hostname)}:${route.listenerPort}': ` +
        `${field}: ${reason}`,
      options,
    );
    this.name = 'InvalidEdgeRouteError';
    this.hostname = route.hostname;
    this.listenerPort = route.listenerPort;
  }
}

/**
 * SetupEdgeRoute for a key held by a route of another service, or by hand (no service) for a
 * key a service holds; answered as FAILED_PRECONDITION. A service may take a by-hand route's
 * key (the deploy wins over a manual repair) and re-set its own.
 */
export class EdgeRouteTakenError extends Error {
  readonly code = 'EDGE_ROUTE_TAKEN';
  readonly hostname: string;
  readonly listenerPort: number;
  /** The service and node of the route that holds the key. */
  readonly owner: { service: string; node: string };

  constructor(
    held: Pick<EdgeRoute, 'hostname' | 'listenerPort' | 'service' | 'node'>,
    byHand: boolean,
    readonly edgeNode: string,
  ) {
    const { hostname, listenerPort: port } = held;
    const fix = byHand
      ? `remove it first with \`mcp route remove -n ${edgeNode} -l ${port} -H ${hostname}\``
      : 'undeploy that service or change the hostname';
    super(
      `failed to set up edge route '${hostname}:${port}': it belongs to service ` +
        `'${held.service}' (node '${held.node}'); ${fix}`,
    );
    this.name = 'EdgeRouteTakenError';
    this.hostname = hostname;
    this.listenerPort = port;
    this.owner = { service: held.service, node: held.node };
  }
}
