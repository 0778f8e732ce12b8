// SetupEdgeRoute, RemoveEdgeRoute and ListEdgeRoutes: check, keep, apply, and map each failure
// to the status a caller can act on.
import {
  CertificateMissingError,
  CertificateOrderError,
  ProxyUnavailableError,
  RouteRefusedError,
} from '@mcp/mcproxy';
import type { AgentServiceImplementation } from '@mcp/proto';
import { DNS_LABEL, dnsName } from '@mcp/scheduler/routing';
import { clip, type AuthContext } from '@mcp/security';
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
  AgentServiceImplementation<AuthContext>,
  'setupEdgeRoute' | 'removeEdgeRoute' | 'listEdgeRoutes'
>;

/** The three edge route RPCs of AgentService; `node` is the edge's name, for refusals' hints. */
export function edgeRouteRpcs({ routes, rules, log }: EdgeRouteRpcs, node: string): Rpcs {
  return {
    async setupEdgeRoute(req) {
      try {
        if (!req.route) {
          const why = 'failed to set up edge route: route: required';
          throw new ServerError(Status.INVALID_ARGUMENT, why);
        }
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
        checkRemoval(req.listenerPort, req.hostname);
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

/**
 * RemoveEdgeRoute's key: a listener port 1..65535 and a DNS name (not checked against the
 * allowed domains, so a route stays removable after they change). @throws ServerError
 */
function checkRemoval(listenerPort: number, hostname: string): void {
  const refuse = (field: string, reason: string) =>
    new ServerError(
      Status.INVALID_ARGUMENT,
      `failed to remove edge route '${clip(hostname)}:${listenerPort}': ${field}: ${reason}`,
    );
  if (!Number.isInteger(listenerPort) || listenerPort < 1 || listenerPort > 65535) {
    throw refuse('listener_port', `${listenerPort} is not between 1 and 65535`);
  }
  const name = dnsName(hostname);
  if (name === '') throw refuse('hostname', 'required');
  if (name.length > 253 || !name.split('.').every((l) => DNS_LABEL.test(l))) {
    throw refuse('hostname', `'${hostname}' is not a DNS name`);
  }
}

/** The gRPC status for a failure of an edge route RPC. */
function toStatus(err: unknown): ServerError {
  if (err instanceof ServerError) return err;
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
