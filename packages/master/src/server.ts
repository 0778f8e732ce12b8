// The gRPC face of the master: MasterService for the CLI and FleetService for the agents, on
// one server at one listen address, TLS 1.3 only. Every call is authenticated (MCIAS bearer
// token) and authorized (the maps of @mcp/security) before a handler runs; each handler then
// checks its input (request-checks.ts) before anything reaches a node.
import {
  FleetServiceDefinition,
  MasterServiceDefinition,
  type LogsResponse,
  type MasterServiceImplementation,
} from '@mcp/proto';
import { authorize, type AuthContext, type Refusal, type Security } from '@mcp/security';
import { createServer, ServerError, Status, type CallContext, type Server } from 'nice-grpc';
import type { Logger } from 'pino';

import { toServerError } from './errors.js';
import { fleetService, type FleetServiceOptions } from './fleet-service.js';
import type { Master, MasterOutcome } from './master.js';
import type { NodeRegistry } from './registry.js';
import {
  hostname,
  listenerPort,
  nodeName,
  optionalNode,
  optionalZone,
  routeEntry,
  serviceName,
  tailLines,
} from './request-checks.js';
import type { ProxyRoutes } from './routes.js';

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toServerError(err);
  }
}

function pack(o: MasterOutcome) {
  return { steps: o.steps, service: o.service };
}

export function masterService(
  master: Master,
  routes: ProxyRoutes,
): MasterServiceImplementation<AuthContext> {
  return {
    deploy: (req) =>
      guard(async () => {
        if (!req.spec) throw new ServerError(Status.INVALID_ARGUMENT, 'spec: required');
        const o = await master.deploy(req.spec, req.dryRun);
        return { steps: o.steps, service: o.service, node: o.node, placement: o.placement };
      }),
    stop: (req) => guard(async () => pack(await master.stop(serviceName(req.service)))),
    start: (req) => guard(async () => pack(await master.start(serviceName(req.service)))),
    restart: (req) => guard(async () => pack(await master.restart(serviceName(req.service)))),
    undeploy: (req) =>
      guard(async () => ({ steps: (await master.undeploy(serviceName(req.service))).steps })),
    listServices: (req) => guard(() => master.list(optionalNode(req.node))),
    status: (req) =>
      guard(async () => {
        const out = await master.status(serviceName(req.service));
        return { service: out.service, edgeRoutes: out.edgeRoutes, edgeErrors: out.edgeErrors };
      }),
    logs: (req, ctx) => logs(master, req, ctx),
    listNodes: () => guard(() => Promise.resolve({ nodes: master.nodeStatuses() })),
    listEdgeRoutes: () => guard(() => master.edgeRoutes()),
    listRoutes: (req) => guard(() => routes.list(optionalNode(req.node))),
    addRoute: (req) =>
      guard(async () => {
        const node = nodeName(req.node);
        return { changed: await routes.add(node, routeEntry(req.route)) };
      }),
    listDnsRecords: (req) => guard(() => master.dnsRecords(optionalZone(req.zone))),
    removeRoute: (req) =>
      guard(async () => {
        const node = nodeName(req.node);
        const port = listenerPort(req.listenerPort, 'listener_port');
        return { removed: await routes.remove(node, port, hostname(req.hostname, 'hostname')) };
      }),
  };
}

async function* logs(
  master: Master,
  req: { service: string; component: string; follow: boolean; tail: number },
  ctx: CallContext,
): AsyncGenerator<LogsResponse> {
  try {
    serviceName(req.service);
    if (req.component !== '') serviceName(req.component, 'component', 'component');
    tailLines(req.tail);
    for await (const chunk of master.logs(req, ctx.signal)) yield { chunk };
  } catch (err) {
    if (ctx.signal.aborted) return;
    throw toServerError(err);
  }
}

/** What the server listens and judges callers with: a part of `Security`. */
export type ServerSecurity = Pick<Security, 'server' | 'validator'>;

/** Serves both services; resolves with the port bound (useful with port 0). */
export async function serveMaster(
  parts: { master: Master; routes: ProxyRoutes; registry: NodeRegistry },
  fleet: FleetServiceOptions,
  listen: string,
  security: ServerSecurity,
): Promise<{ server: Server; port: number }> {
  // Channelz (grpc-js call tracing, on by default) keeps per-call objects alive long enough to
  // reach the old generation; at 500 heartbeats a second that made the full collections whose
  // pauses set the heartbeat p99. Nothing here reads channelz.
  const server = createServer({ 'grpc.enable_channelz': 0 }).use(
    authorize({ validator: security.validator, onRefused: logRefusal(fleet.log) }),
  );
  server.add(MasterServiceDefinition, masterService(parts.master, parts.routes));
  server.add(FleetServiceDefinition, fleetService(parts.registry, fleet));
  const port = await server.listen(listen, security.server);
  return { server, port };
}

/** A refused call at warn: method, status, who (when known) and why; the token never. */
function logRefusal(log: Logger): (refusal: Refusal) => void {
  return (r) =>
    log.warn(
      { method: r.method, code: Status[r.code], username: r.username, reason: r.reason },
      'call refused',
    );
}
