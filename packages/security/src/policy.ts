// The authorization maps: for every gRPC service mcp serves, each method and who may call it.
// Default deny: a method missing here is refused by the middleware, and the type of each map
// makes a method added to a .proto file a compile error until it is placed here.
import {
  AgentServiceDefinition,
  FleetServiceDefinition,
  MasterServiceDefinition,
} from '@mcp/proto';

import type { Caller } from './callers.js';

type MapOf<D extends { methods: object }> = {
  readonly [K in keyof D['methods']]: readonly Caller[];
};

const OPERATOR: readonly Caller[] = ['operator'];

/** MasterService: the CLI's RPCs, for operators only. */
export const MASTER_SERVICE_POLICY: MapOf<typeof MasterServiceDefinition> = {
  deploy: OPERATOR,
  stop: OPERATOR,
  start: OPERATOR,
  restart: OPERATOR,
  undeploy: OPERATOR,
  listServices: OPERATOR,
  status: OPERATOR,
  logs: OPERATOR,
  listNodes: OPERATOR,
  listEdgeRoutes: OPERATOR,
  listRoutes: OPERATOR,
  addRoute: OPERATOR,
  removeRoute: OPERATOR,
  listDnsRecords: OPERATOR,
};

/**
 * FleetService: agents joining and reporting; which node an agent may speak for is checked
 * by the service itself.
 */
export const FLEET_SERVICE_POLICY: MapOf<typeof FleetServiceDefinition> = {
  register: ['agent'],
  heartbeat: ['agent'],
};

// What `mcp --direct` uses while the master is down, plus HealthCheck, which `mcp agent status`
// and `mcp agent upgrade` read to learn a node's version.
const DIRECT: readonly Caller[] = ['master', 'operator'];
const MASTER_ONLY: readonly Caller[] = ['master'];

/** AgentService, served by compute and edge agents alike. */
export const AGENT_SERVICE_POLICY: MapOf<typeof AgentServiceDefinition> = {
  deploy: DIRECT,
  stop: DIRECT,
  start: DIRECT,
  restart: DIRECT,
  status: DIRECT,
  logs: DIRECT,
  healthCheck: DIRECT,
  undeploy: MASTER_ONLY,
  listRoutes: MASTER_ONLY,
  addRoute: MASTER_ONLY,
  removeRoute: MASTER_ONLY,
  setupEdgeRoute: MASTER_ONLY,
  removeEdgeRoute: MASTER_ONLY,
  listEdgeRoutes: MASTER_ONLY,
};

interface Described {
  readonly fullName: string;
  readonly methods: Readonly<Record<string, { readonly name: string }>>;
}

/** Every map, by the service's full name (`mcp.v1.MasterService`). */
export const AUTHORIZATION: ReadonlyMap<
  string,
  Readonly<Record<string, readonly Caller[]>>
> = new Map<string, Readonly<Record<string, readonly Caller[]>>>([
  [MasterServiceDefinition.fullName, MASTER_SERVICE_POLICY],
  [FleetServiceDefinition.fullName, FLEET_SERVICE_POLICY],
  [AgentServiceDefinition.fullName, AGENT_SERVICE_POLICY],
]);

/**
 * Services `@mcp/proto` defines that mcp does not serve, and why they need no map here.
 * mc-proxy's admin API is served by mc-proxy on a Unix socket; file permissions guard it.
 */
export const NOT_SERVED: ReadonlyMap<string, string> = new Map([
  ['mcproxy.v1.ProxyAdminService', 'served by mc-proxy on a Unix socket guarded by its file mode'],
]);

/** The callers allowed on a method path (`/mcp.v1.MasterService/Deploy`); undefined: refused. */
export function callersOf(path: string): readonly Caller[] | undefined {
  return BY_PATH.get(path);
}

const DEFINITIONS: readonly Described[] = [
  MasterServiceDefinition,
  FleetServiceDefinition,
  AgentServiceDefinition,
];

const BY_PATH = new Map<string, readonly Caller[]>();
for (const def of DEFINITIONS) {
  const map = AUTHORIZATION.get(def.fullName) ?? {};
  for (const [key, method] of Object.entries(def.methods)) {
    const callers = map[key];
    if (callers) BY_PATH.set(`/${def.fullName}/${method.name}`, callers);
  }
}
