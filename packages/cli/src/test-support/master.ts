// A small, real MasterService for tests: a nice-grpc server on 127.0.0.1 port 0 that keeps
// deployed services in memory and places them with the real scheduler on a fixed fleet, so the
// CLI is exercised over a real connection: TLS 1.3, every call's token checked with MCIAS and
// authorized by the real middleware of @mcp/security.
import { EventEmitter } from 'node:events';

import {
  LogStream,
  MasterServiceDefinition,
  StepStatus,
  type DnsRecord,
  type EdgeRouteStatus,
  type LogChunk,
  type NodeRoutes,
  type MasterServiceImplementation,
  type NodeError,
  type NodeStatus,
  type PlacementResult,
  type ServiceSpec,
  type ServiceStatus,
  type Step,
} from '@mcp/proto';
import {
  assertPlaced,
  imageVersion,
  NoFeasibleNodeError,
  place,
  SchedulerError,
} from '@mcp/scheduler';
import type { Refusal, ServerTlsFiles } from '@mcp/security';
import { ServerError, Status } from 'nice-grpc';

import { seenAt, snapshotOf, testNodes } from './fleet.js';
import { serveSecured, type TestSecurity } from './security.js';

/** What the fake master saw and what it answers with. */
export interface FakeMasterState {
  services: Map<string, ServiceStatus>;
  /** Every DeployRequest spec received, in order. */
  deployed: ServiceSpec[];
  /** Node errors ListServices reports. */
  nodeErrors: NodeError[];
  /** Chunks Logs sends before following. */
  logChunks: LogChunk[];
  /** Emits `follow-cancelled` each time the client cancels a followed Logs stream. */
  events: EventEmitter;
  /** Steps whose names are listed here fail. */
  failSteps: Set<string>;
  /** When set, ListServices fails with it (as a master whose agents fail would). */
  listError: ServerError | undefined;
  /** When set, Status fails with it (as a master whose node for the service is down would). */
  statusError: ServerError | undefined;
  /** Every ListServicesRequest node received. */
  listedNodes: string[];
  /** The fleet ListNodes reports and deploys are placed on; see testNodes(). */
  nodes: NodeStatus[];
  /** Every message a Deploy was refused with, in order. */
  refusals: string[];
  /** What ListEdgeRoutes (and Status, for its service) reports. */
  edgeRoutes: EdgeRouteStatus[];
  /** The route tables ListRoutes reports; AddRoute and RemoveRoute change them. */
  routes: NodeRoutes[];
  /** What ListDnsRecords reports (filtered by the request's zone), and its `error`. */
  dnsRecords: DnsRecord[];
  dnsError: string;
  /** Every ListDnsRecordsRequest zone received. */
  dnsZones: string[];
  /** Every call the authorization middleware refused (UNAUTHENTICATED, PERMISSION_DENIED...). */
  authRefusals: Refusal[];
}

export interface FakeMaster {
  address: string;
  state: FakeMasterState;
  /** The CA, MCIAS and pair it serves with (shared by the test file). */
  security: TestSecurity;
  close(): Promise<void>;
}

/** Options of startFakeMaster. */
export interface FakeServerOptions {
  /** The TLS pair served. Default: the shared 127.0.0.1 pair of the test CA. */
  tls?: ServerTlsFiles;
}

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

function step(name: string, node: string, detail: string, failing: Set<string>): Step {
  const failed = failing.has(name);
  return {
    name,
    node,
    status: failed ? StepStatus.STEP_STATUS_FAILED : StepStatus.STEP_STATUS_OK,
    detail: failed ? '' : detail,
    error: failed ? `${name} broke on purpose` : '',
  };
}

/** A running service as an agent would report it: one port per route from 20000 up. */
export function statusOf(spec: ServiceSpec): ServiceStatus {
  let port = 20_000;
  return {
    name: spec.name,
    node: spec.node,
    active: spec.active,
    deployedAtMs: NOW,
    components: spec.components.map((c, i) => ({
      name: c.name,
      image: c.image,
      version: imageVersion(c.image),
      containerId: `c0ffee${i}`.padEnd(64, '0'),
      state: 'running',
      restartCount: i,
      startedAtMs: NOW,
      ports: c.routes.map((r) => ({
        route: r.name,
        hostIp: '127.0.0.2',
        hostPort: port++,
        listenerPort: r.port,
        mode: r.mode,
        hostname: r.hostname,
        public: r.public,
        proxyHostname: r.hostname,
        tlsNotAfterMs: 0,
      })),
    })),
  };
}

function implementation(state: FakeMasterState) {
  const find = (name: string): ServiceStatus => {
    const s = state.services.get(name);
    if (!s)
      throw new ServerError(
        Status.NOT_FOUND,
        `failed to find service '${name}': it runs on no node`,
      );
    return s;
  };
  const lifecycle = (name: string, verb: string) => {
    const service = find(name);
    return { steps: [step(verb, service.node, `${verb} ${name}`, state.failSteps)], service };
  };

  const impl: MasterServiceImplementation = {
    deploy: async (req) => {
      const spec = req.spec;
      if (!spec) throw new ServerError(Status.INVALID_ARGUMENT, 'spec: required');
      state.deployed.push(spec);
      const { placement, node } = placed(spec, state.nodes, state.refusals);
      const chosen = step('placement', node, `node '${node}'`, state.failSteps);
      if (req.dryRun) return { steps: [chosen], node, placement };
      const service = statusOf({ ...spec, node });
      state.services.set(spec.name, service);
      const run = step('containers', node, 'started 1 container', state.failSteps);
      return { steps: [chosen, run], service, node, placement };
    },
    stop: async (req) => lifecycle(req.service, 'stop'),
    start: async (req) => lifecycle(req.service, 'start'),
    restart: async (req) => lifecycle(req.service, 'restart'),
    undeploy: async (req) => {
      const { steps } = lifecycle(req.service, 'undeploy');
      state.services.delete(req.service);
      return { steps };
    },
    listDnsRecords: async (req) => {
      state.dnsZones.push(req.zone);
      const records = state.dnsRecords.filter((r) => !req.zone || r.zone === req.zone);
      return { records, error: state.dnsError };
    },
    listEdgeRoutes: async () => ({ routes: state.edgeRoutes, errors: state.nodeErrors }),
    listRoutes: async (req) => ({
      nodes: state.routes.filter((n) => !req.node || n.node === req.node),
      errors: state.nodeErrors,
    }),
    addRoute: async ({ node, route }) => {
      const table = state.routes.find((n) => n.node === node);
      if (!table || !route) throw new ServerError(Status.NOT_FOUND, `no node named '${node}'`);
      const same = (r: typeof route) =>
        r.listenerPort === route.listenerPort && r.hostname === route.hostname;
      const old = table.routes.find(same);
      table.routes = [...table.routes.filter((r) => !same(r)), route];
      return { changed: JSON.stringify(old) !== JSON.stringify(route) };
    },
    removeRoute: async ({ node, listenerPort, hostname }) => {
      const table = state.routes.find((n) => n.node === node);
      const before = table?.routes.length ?? 0;
      if (table) {
        table.routes = table.routes.filter(
          (r) => r.listenerPort !== listenerPort || r.hostname !== hostname,
        );
      }
      return { removed: (table?.routes.length ?? 0) < before };
    },
    listServices: async (req) => {
      state.listedNodes.push(req.node);
      if (state.listError) throw state.listError;
      const services = [...state.services.values()].filter((s) => !req.node || s.node === req.node);
      return { services, errors: state.nodeErrors };
    },
    status: async (req) => {
      if (state.statusError) throw state.statusError;
      const edgeRoutes = state.edgeRoutes.filter((r) => r.route?.service === req.service);
      return { service: find(req.service), edgeRoutes, edgeErrors: [] };
    },
    listNodes: async () => ({ nodes: seenAt(state.nodes, Date.now()) }),
    logs: async function* (req, ctx) {
      find(req.service);
      for (const chunk of state.logChunks) yield { chunk };
      if (!req.follow) return;
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      state.events.emit('follow-cancelled');
    },
  };
  return impl;
}

/** The scheduler's placement on the fleet now; nothing fits is FAILED_PRECONDITION. */
function placed(
  spec: ServiceSpec,
  nodes: NodeStatus[],
  refusals: string[],
): { placement: PlacementResult; node: string } {
  const now = Date.now();
  try {
    const placement = place(spec, snapshotOf(seenAt(nodes, now), now));
    return { placement, node: assertPlaced(placement) };
  } catch (err) {
    if (!(err instanceof SchedulerError)) throw err;
    refusals.push(err.message);
    const status =
      err instanceof NoFeasibleNodeError ? Status.FAILED_PRECONDITION : Status.INVALID_ARGUMENT;
    throw new ServerError(status, err.message);
  }
}

/** Starts a fake master on 127.0.0.1, port 0, over TLS with authorization. */
export async function startFakeMaster(options: FakeServerOptions = {}): Promise<FakeMaster> {
  const state: FakeMasterState = {
    services: new Map(),
    deployed: [],
    nodeErrors: [],
    logChunks: [
      { component: 'web', stream: LogStream.LOG_STREAM_STDOUT, data: Buffer.from('hello\n') },
      { component: 'web', stream: LogStream.LOG_STREAM_STDERR, data: Buffer.from('oops\n') },
      { component: 'web', stream: LogStream.LOG_STREAM_STDOUT, data: Buffer.from([0xff, 0, 0x41]) },
    ],
    events: new EventEmitter(),
    failSteps: new Set(),
    listError: undefined,
    statusError: undefined,
    listedNodes: [],
    nodes: testNodes(),
    refusals: [],
    edgeRoutes: [],
    routes: [
      { node: 'rift', routes: [] },
      { node: 'svc', routes: [] },
    ],
    dnsRecords: [],
    dnsError: '',
    dnsZones: [],
    authRefusals: [],
  };

  const served = await serveSecured(MasterServiceDefinition, implementation(state), {
    refusals: state.authRefusals,
    ...(options.tls ? { tls: options.tls } : {}),
  });
  return { ...served, state };
}
