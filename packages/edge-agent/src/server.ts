// The gRPC face of the edge agent: AgentService over TLS 1.3, every call authenticated and
// authorized first (@mcp/security), of which an edge node implements HealthCheck and the three
// edge route RPCs. Every other RPC is refused with FAILED_PRECONDITION naming the
// node, so a caller that reached the edge by mistake learns why instead of a bare UNIMPLEMENTED.
import { AgentServiceDefinition, type AgentServiceImplementation } from '@mcp/proto';
import { authorize, type AuthContext, type Security } from '@mcp/security';
import { createServer, ServerError, Status, type Server } from 'nice-grpc';

import { edgeRouteRpcs, type EdgeRouteRpcs } from './route-rpcs.js';

const methods = AgentServiceDefinition.methods;
const qualified = (m: { name: string }) => `${AgentServiceDefinition.fullName}/${m.name}`;

/** Fully qualified names of the RPCs the edge agent implements, reported by HealthCheck. */
export const EDGE_RPCS = [
  methods.healthCheck,
  methods.setupEdgeRoute,
  methods.removeEdgeRoute,
  methods.listEdgeRoutes,
].map(qualified);

/** What the edge answers to an AgentService RPC it does not serve. */
export function notOnEdge(node: string, method: string): ServerError {
  return new ServerError(
    Status.FAILED_PRECONDITION,
    `node '${node}' is an edge node: it runs no containers; ${method} is not available here`,
  );
}

/** AgentService as the edge serves it; `routes` answers the edge route RPCs. */
export function edgeAgentService(
  node: string,
  version: string,
  routes: EdgeRouteRpcs,
): AgentServiceImplementation<AuthContext> {
  const refuse = (method: string) => async (): Promise<never> => {
    throw notOnEdge(node, method);
  };

  return {
    deploy: refuse(methods.deploy.name),
    stop: refuse(methods.stop.name),
    start: refuse(methods.start.name),
    restart: refuse(methods.restart.name),
    undeploy: refuse(methods.undeploy.name),
    status: refuse(methods.status.name),
    logs: () => {
      throw notOnEdge(node, methods.logs.name);
    },
    listRoutes: refuse(methods.listRoutes.name),
    addRoute: refuse(methods.addRoute.name),
    removeRoute: refuse(methods.removeRoute.name),
    ...edgeRouteRpcs(routes, node),
    healthCheck: async () => ({
      node,
      version,
      runtimeOk: false,
      runtimeVersion: 'none (edge node)',
      containers: 0,
      rpcs: EDGE_RPCS,
    }),
  };
}

/**
 * Starts the edge agent's gRPC server on `listen` (host:port; port 0 picks one) over TLS 1.3
 * with `security.server`. Every call is authenticated through MCIAS and authorized by
 * `AGENT_SERVICE_POLICY` first (the edge route RPCs: `mcp-master` only); a refusal is logged at
 * warn with the method, code, account and reason, never the token.
 */
export async function serveEdgeAgent(
  node: string,
  version: string,
  listen: string,
  routes: EdgeRouteRpcs,
  security: Pick<Security, 'server' | 'validator'>,
): Promise<{ server: Server; port: number }> {
  const server = createServer().use(
    authorize({
      validator: security.validator,
      onRefused: ({ method, code, username, reason }) =>
        routes.log.warn({ method, code: Status[code], username, reason }, 'call refused'),
    }),
  );
  server.add(AgentServiceDefinition, edgeAgentService(node, version, routes));
  const port = await server.listen(listen, security.server);
  return { server, port };
}
