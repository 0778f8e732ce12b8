// SetupEdgeRoute, RemoveEdgeRoute and ListEdgeRoutes: check, keep, apply, and map each failure
// to the status a caller can act on.
import {
  CertificateMissingError,
  CertificateOrderError,
  ProxyUnavailableError,
  RouteRefusedError,
} from '@mcp/mcproxy';
import type { AgentServiceImplementation } from '@mcp/proto';
import { ServerError, Status } from 'nice-grpc';
import type { Logger } from 'pino';

import { EdgeRouteTakenError, InvalidEdgeRouteError } from './errors.js';
import type { EdgeRoutes } from './routes.js';
import { checkEdgeRoute, withExpiry, type RouteRules } from './validate.js';

/** What the edge route RPCs need. */
export interface EdgeRouteRpcs {
  routes: EdgeRoutes;
  rules: RouteRules;
  log: Logger;
}

type Rpcs = Pick<
  AgentServiceImplementation,
  'setupEdgeRoute' | 'removeEdgeRoute' | 'listEdgeRoutes'
>;

/** The three edge route RPCs of AgentService; `node` is the edge's name, for refusals' hints. */
export function edgeRouteRpcs({ routes, rules, log }: EdgeRouteRpcs, node: string): Rpcs {
  return {
    async setupEdgeRoute(req) {
      try {
        const route = await checkEdgeRoute(req.route, rules);
        const change = await routes.setup(route, node);
        const fields = { hostname: route.hostname, listenerPort: route.listenerPort };
        if (change !== 'unchanged')
          log.info({ ...fields, backend: route.backend, change }, 'edge route set up');
        return { route: withExpiry(route), change };
      } catch (err) {
        throw toStatus(err);
      }
    },

    async removeEdgeRoute(req) {
      try {
        const removed = await routes.remove(req.listenerPort, req.hostname);
        const fields = { hostname: req.hostname, listenerPort: req.listenerPort };
        if (removed) log.info(fields, 'edge route removed');
        return { removed };
      } catch (err) {
        throw toStatus(err);
      }
    },

    async listEdgeRoutes() {
      try {
        return { routes: (await routes.served()).map(withExpiry) };
      } catch (err) {
        throw toStatus(err);
      }
    },
  };
}

/** The gRPC status for a failure of an edge route RPC. */
function toStatus(err: unknown): ServerError {
  const message = (err as Error).message;
  if (err instanceof InvalidEdgeRouteError)
    return new ServerError(Status.INVALID_ARGUMENT, message);
  const precondition = [
    CertificateMissingError,
    CertificateOrderError,
    RouteRefusedError,
    EdgeRouteTakenError,
  ];
  if (precondition.some((type) => err instanceof type)) {
    return new ServerError(Status.FAILED_PRECONDITION, message);
  }
  if (err instanceof ProxyUnavailableError) return new ServerError(Status.UNAVAILABLE, message);
  return new ServerError(Status.INTERNAL, message);
}
