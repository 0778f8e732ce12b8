// The gRPC face of the edge agent: AgentService, of which an edge node implements HealthCheck
// only. Every other RPC is refused with FAILED_PRECONDITION naming the node, so a caller that
// reached the edge by mistake learns why instead of getting a bare UNIMPLEMENTED.
import { AgentServiceDefinition, type AgentServiceImplementation } from '@mcp/proto';
import { createServer, ServerError, Status, type Server } from 'nice-grpc';

const methods = AgentServiceDefinition.methods;

/** Fully qualified names of the RPCs the edge agent implements, reported by HealthCheck. */
export const EDGE_RPCS = [`${AgentServiceDefinition.fullName}/${methods.healthCheck.name}`];

/** What the edge answers to an AgentService RPC it does not serve. */
export function notOnEdge(node: string, method: string): ServerError {
  return new ServerError(
    Status.FAILED_PRECONDITION,
    `node '${node}' is an edge node: it runs no containers; ${method} is not available here`,
  );
}

const unbuilt = (method: string) => async (): Promise<never> => {
  throw new ServerError(Status.UNIMPLEMENTED, `${method} is being built`);
};

export function edgeAgentService(node: string, version: string): AgentServiceImplementation {
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
    setupEdgeRoute: unbuilt(methods.setupEdgeRoute.name),
    removeEdgeRoute: unbuilt(methods.removeEdgeRoute.name),
    listEdgeRoutes: unbuilt(methods.listEdgeRoutes.name),
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

/** Starts the edge agent's gRPC server on `listen` (host:port; port 0 picks one). */
export async function serveEdgeAgent(
  node: string,
  version: string,
  listen: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer();
  server.add(AgentServiceDefinition, edgeAgentService(node, version));
  const port = await server.listen(listen);
  return { server, port };
}
