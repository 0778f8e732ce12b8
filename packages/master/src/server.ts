// The gRPC face of the master: MasterService for the CLI and FleetService for the agents, on
// one server at one listen address.
import {
  FleetServiceDefinition,
  MasterServiceDefinition,
  type LogsResponse,
  type MasterServiceImplementation,
} from '@mcp/proto';
import { createServer, ServerError, Status, type CallContext, type Server } from 'nice-grpc';
import { DNS_LABEL } from '@mcp/scheduler';

import { toServerError } from './errors.js';
import { fleetService, type FleetServiceOptions } from './fleet-service.js';
import type { Master, MasterOutcome } from './master.js';
import type { NodeRegistry } from './registry.js';
import type { ProxyRoutes } from './routes.js';

function requireName(value: string, field = 'service'): string {
  if (!DNS_LABEL.test(value)) {
    throw new ServerError(Status.INVALID_ARGUMENT, `${field}: '${value}' is not a service name`);
  }
  return value;
}

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

function requireNode(value: string): string {
  if (!DNS_LABEL.test(value)) {
    throw new ServerError(Status.INVALID_ARGUMENT, `node: '${value}' is not a node name`);
  }
  return value;
}

export function masterService(master: Master, routes: ProxyRoutes): MasterServiceImplementation {
  return {
    deploy: (req) =>
      guard(async () => {
        if (!req.spec) throw new ServerError(Status.INVALID_ARGUMENT, 'spec: required');
        const o = await master.deploy(req.spec, req.dryRun);
        return { steps: o.steps, service: o.service, node: o.node, placement: o.placement };
      }),
    stop: (req) => guard(async () => pack(await master.stop(requireName(req.service)))),
    start: (req) => guard(async () => pack(await master.start(requireName(req.service)))),
    restart: (req) => guard(async () => pack(await master.restart(requireName(req.service)))),
    undeploy: (req) =>
      guard(async () => ({ steps: (await master.undeploy(requireName(req.service))).steps })),
    listServices: (req) => guard(() => master.list(req.node)),
    status: (req) =>
      guard(async () => {
        const out = await master.status(requireName(req.service));
        return { service: out.service, edgeRoutes: out.edgeRoutes, edgeErrors: out.edgeErrors };
      }),
    logs: (req, ctx) => logs(master, req, ctx),
    listNodes: () => guard(() => Promise.resolve({ nodes: master.nodeStatuses() })),
    listEdgeRoutes: () => guard(() => master.edgeRoutes()),
    listRoutes: (req) => guard(() => routes.list(req.node && requireNode(req.node))),
    addRoute: (req) =>
      guard(async () => {
        if (!req.route) throw new ServerError(Status.INVALID_ARGUMENT, 'route: required');
        return { changed: await routes.add(requireNode(req.node), req.route) };
      }),
    listDnsRecords: (req) => guard(() => master.dnsRecords(req.zone)),
    removeRoute: (req) =>
      guard(async () => ({
        removed: await routes.remove(requireNode(req.node), req.listenerPort, req.hostname),
      })),
  };
}

async function* logs(
  master: Master,
  req: { service: string; component: string; follow: boolean; tail: number },
  ctx: CallContext,
): AsyncGenerator<LogsResponse> {
  try {
    requireName(req.service);
    for await (const chunk of master.logs(req, ctx.signal)) yield { chunk };
  } catch (err) {
    if (ctx.signal.aborted) return;
    throw toServerError(err);
  }
}

/** Serves both services; resolves with the port bound (useful with port 0). */
export async function serveMaster(
  parts: { master: Master; routes: ProxyRoutes; registry: NodeRegistry },
  fleet: FleetServiceOptions,
  listen: string,
): Promise<{ server: Server; port: number }> {
  // Channelz (grpc-js call tracing, on by default) keeps per-call objects alive long enough to
  // reach the old generation; at 500 heartbeats a second that made the full collections whose
  // pauses set the heartbeat p99. Nothing here reads channelz.
  const server = createServer({ 'grpc.enable_channelz': 0 });
  server.add(MasterServiceDefinition, masterService(parts.master, parts.routes));
  server.add(FleetServiceDefinition, fleetService(parts.registry, fleet));
  const port = await server.listen(listen);
  return { server, port };
}
