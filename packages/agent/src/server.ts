// The gRPC face of the agent: AgentService from @mcp/proto over TLS 1.3, every call authenticated
// and authorized first (@mcp/security), every input checked, errors mapped to status codes.
import {
  AgentServiceDefinition,
  type AgentServiceImplementation,
  type AgentServiceLogsResponse,
} from '@mcp/proto';
import { DefinitionError, DNS_LABEL } from '@mcp/scheduler';
import { CertificateMissingError, ProxyUnavailableError, RouteRefusedError } from '@mcp/mcproxy';
import { authorize, type AuthContext, type Refusal, type Security } from '@mcp/security';
import {
  ClientError,
  createServer,
  ServerError,
  Status,
  type CallContext,
  type Server,
} from 'nice-grpc';

import type { Agent } from './agent.js';
import {
  ContainerMissingError,
  InvalidRouteError,
  NoProxyError,
  ServiceNotFoundError,
} from './errors.js';
import { checkHostname, checkListener, checkRoute, requireProxy } from './route-rpcs.js';
import { VolumePathError } from './volumes.js';

const methods = AgentServiceDefinition.methods;

/** The RPCs only an edge node serves; a compute agent refuses them, naming the node. */
const EDGE_ONLY: readonly string[] = [
  methods.setupEdgeRoute.name,
  methods.removeEdgeRoute.name,
  methods.listEdgeRoutes.name,
];

/** Fully qualified names of the RPCs this agent implements, reported by HealthCheck. */
export const IMPLEMENTED_RPCS = Object.values(methods)
  .filter((m) => !EDGE_ONLY.includes(m.name))
  .map((m) => `${AgentServiceDefinition.fullName}/${m.name}`);

/** What a compute agent answers to an edge-only RPC. */
function notEdge(node: string, method: string): ServerError {
  return new ServerError(
    Status.FAILED_PRECONDITION,
    `node '${node}' is a compute node, not an edge node: ${method} is available on edge nodes only`,
  );
}

/** Maps an agent error to a gRPC status; unknown errors become Internal with their message. */
export function toServerError(err: unknown): ServerError {
  if (err instanceof ServerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof DefinitionError || err instanceof VolumePathError) {
    return new ServerError(Status.INVALID_ARGUMENT, message);
  }
  if (err instanceof ServiceNotFoundError) return new ServerError(Status.NOT_FOUND, message);
  if (err instanceof ContainerMissingError) {
    return new ServerError(Status.FAILED_PRECONDITION, message);
  }
  if (err instanceof InvalidRouteError) return new ServerError(Status.INVALID_ARGUMENT, message);
  if (err instanceof NoProxyError || err instanceof CertificateMissingError) {
    return new ServerError(Status.FAILED_PRECONDITION, message);
  }
  if (err instanceof ProxyUnavailableError) return new ServerError(Status.UNAVAILABLE, message);
  if (err instanceof RouteRefusedError) {
    // The proxy's own code: a bad field, or a state it cannot serve (no such listener).
    const invalid = err.cause instanceof ClientError && err.cause.code === Status.INVALID_ARGUMENT;
    return new ServerError(invalid ? Status.INVALID_ARGUMENT : Status.FAILED_PRECONDITION, message);
  }
  return new ServerError(Status.INTERNAL, message);
}

function requireName(value: string, field = 'service'): string {
  if (value === '') throw new ServerError(Status.INVALID_ARGUMENT, `${field}: required`);
  if (!DNS_LABEL.test(value)) {
    throw new ServerError(
      Status.INVALID_ARGUMENT,
      `${field}: '${value}' is not a name (a DNS label: lower-case letters, digits, inner hyphens)`,
    );
  }
  return value;
}

/** Logs' input: service required, component a name when given (tail is a uint32: any). */
function checkLogs(req: { service: string; component: string }): string {
  const name = requireName(req.service);
  if (req.component !== '') requireName(req.component, 'component');
  return name;
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toServerError(err);
  }
}

export function agentService(
  agent: Agent,
  version: string,
): AgentServiceImplementation<AuthContext> {
  return {
    deploy: (req) =>
      guard(async () => {
        if (!req.spec) throw new ServerError(Status.INVALID_ARGUMENT, 'spec: required');
        const out = await agent.deploy(req.spec);
        return { steps: out.steps.list, service: out.service };
      }),
    stop: (req) => guard(async () => pack(await agent.stop(requireName(req.service)))),
    start: (req) => guard(async () => pack(await agent.start(requireName(req.service)))),
    restart: (req) => guard(async () => pack(await agent.restart(requireName(req.service)))),
    undeploy: (req) =>
      guard(async () => ({ steps: (await agent.undeploy(requireName(req.service))).list })),
    status: (req) =>
      guard(async () => ({
        services: await agent.status(req.service && requireName(req.service)),
      })),
    logs: (req, ctx) => logs(agent, req, ctx),
    listRoutes: () => guard(async () => ({ routes: await requireProxy(agent).listRoutes() })),
    addRoute: (req) =>
      guard(async () => {
        const route = checkRoute(req.route, agent.config.certDir);
        return { changed: await requireProxy(agent).addRoute(route) };
      }),
    removeRoute: (req) =>
      guard(async () => {
        const port = checkListener(req.listenerPort);
        const hostname = checkHostname(req.hostname);
        return { removed: await requireProxy(agent).removeRoute(port, hostname) };
      }),
    setupEdgeRoute: async () => {
      throw notEdge(agent.config.name, methods.setupEdgeRoute.name);
    },
    removeEdgeRoute: async () => {
      throw notEdge(agent.config.name, methods.removeEdgeRoute.name);
    },
    listEdgeRoutes: async () => {
      throw notEdge(agent.config.name, methods.listEdgeRoutes.name);
    },
    healthCheck: () =>
      guard(async () => {
        let runtimeVersion = '';
        let containers = 0;
        try {
          runtimeVersion = await agent.runtime.version();
          containers = (await agent.runtime.listOwned()).length;
        } catch (err) {
          agent.log.warn({ err }, 'runtime did not answer the health check');
        }
        return {
          node: agent.config.name,
          version,
          runtimeOk: runtimeVersion !== '',
          runtimeVersion,
          containers,
          rpcs: IMPLEMENTED_RPCS,
        };
      }),
  };
}

function pack(out: Awaited<ReturnType<Agent['stop']>>) {
  return { steps: out.steps.list, service: out.service };
}

async function* logs(
  agent: Agent,
  req: { service: string; component: string; follow: boolean; tail: number },
  ctx: CallContext,
): AsyncGenerator<AgentServiceLogsResponse> {
  try {
    const name = checkLogs(req);
    for await (const chunk of agent.logs(name, req.component, req.follow, req.tail, ctx.signal)) {
      yield { chunk };
    }
  } catch (err) {
    if (ctx.signal.aborted) return;
    throw toServerError(err);
  }
}

/** A refused call in the agent's log: method, code, who (when known) and why; never the token. */
export function logRefusal(log: Agent['log'], refusal: Refusal): void {
  const { method, code, username, reason } = refusal;
  log.warn({ method, code: Status[code], username, reason }, 'call refused');
}

/**
 * Starts the gRPC server on `listen` (host:port; port 0 picks one) over TLS 1.3 with
 * `security.server`; every call is authenticated through MCIAS and authorized by
 * `AGENT_SERVICE_POLICY` (the master; operators for the `mcp --direct` subset) first.
 */
export async function serveAgent(
  agent: Agent,
  version: string,
  listen: string,
  security: Pick<Security, 'server' | 'validator'>,
): Promise<{ server: Server; port: number }> {
  const server = createServer().use(
    authorize({
      validator: security.validator,
      onRefused: (refusal) => logRefusal(agent.log, refusal),
    }),
  );
  server.add(AgentServiceDefinition, agentService(agent, version));
  const port = await server.listen(listen, security.server);
  return { server, port };
}
