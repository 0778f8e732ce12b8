// Where the service commands go: the master, or with `--direct` one node's agent. Both answer
// in the master's message types, so a command prints (and `--json` shows) the same either way.
import type {
  DeployResponse,
  EdgeRouteStatus,
  ListServicesResponse,
  LogsRequest,
  LogsResponse,
  NodeError,
  RestartResponse,
  ServiceSpec,
  ServiceStatus,
  StartResponse,
  Step,
  StopResponse,
  UndeployResponse,
} from '@mcp/proto';

import { Status } from 'nice-grpc';

import type { AgentClient } from './agent-client.js';
import type { MasterClient } from './client.js';
import { MasterCallError, ServiceNotFoundError } from './errors.js';

/** The operations of the service commands, through the master or straight to one agent. */
export interface ServiceTarget {
  /** The node of a `--direct` target; undefined for the master. */
  readonly node: string | undefined;
  /** Deploys, or with `dryRun` reports the placement only (master only). */
  deploy(spec: ServiceSpec, dryRun: boolean): Promise<DeployResponse>;
  stop(service: string): Promise<StopResponse>;
  start(service: string): Promise<StartResponse>;
  restart(service: string): Promise<RestartResponse>;
  undeploy(service: string): Promise<UndeployResponse>;
  /** Every service (on `node` alone when set), and the nodes that did not answer. */
  services(node: string): Promise<ListServicesResponse>;
  /** Every copy of one service (normally one), and the nodes that did not answer. */
  service(name: string): Promise<ListServicesResponse>;
  /**
   * A found service's routes on the edge nodes, with drift, and the edges that did not answer
   * (master only: undefined with --direct, where no edge is known).
   */
  edgeRoutes(name: string): Promise<{ routes: EdgeRouteStatus[]; errors: NodeError[] } | undefined>;
  /** The containers' output; ends when `signal` aborts. */
  logs(request: LogsRequest, signal: AbortSignal): AsyncIterable<LogsResponse>;
  /**
   * The error for a service that `service` did not find, given the nodes that did not answer:
   * the master's own word when it knows one of them last reported the service.
   */
  missing(name: string, silent: readonly string[]): Promise<Error>;
}

/** The master: it places, finds where a service runs, and asks every node. */
export function masterTarget(master: MasterClient): ServiceTarget {
  return {
    node: undefined,
    deploy: (spec, dryRun) => master.deploy({ spec, dryRun }),
    stop: (service) => master.stop({ service }),
    start: (service) => master.start({ service }),
    restart: (service) => master.restart({ service }),
    undeploy: (service) => master.undeploy({ service }),
    services: (node) => master.listServices({ node }),
    // ListServices rather than Status: it also names the nodes that did not answer, where the
    // service may be running.
    service: async (name) => {
      const { services, errors } = await master.listServices({ node: '' });
      return { services: services.filter((s) => s.name === name), errors };
    },
    edgeRoutes: async (name) => {
      const res = await master.status({ service: name });
      return { routes: res.edgeRoutes, errors: res.edgeErrors };
    },
    logs: (request, signal) => master.logs(request, { signal }),
    missing: async (name, silent) => {
      const fallback = new ServiceNotFoundError(name, undefined, silent);
      if (silent.length === 0) return fallback;
      // The master knows from heartbeats which silent node last reported the service, and says
      // so as UNAVAILABLE; anything else leaves the CLI's own message.
      try {
        await master.status({ service: name });
        return fallback;
      } catch (err) {
        const said = err instanceof MasterCallError && err.status === Status.UNAVAILABLE;
        return said ? err : fallback;
      }
    },
  };
}

/**
 * One node's agent, for when the master is down. The agent neither places nor knows other
 * nodes: a deploy goes to this node whatever the definition's `node` says.
 */
export function agentTarget(node: string, agent: AgentClient): ServiceTarget {
  const onNode = <T extends { steps: Step[]; service?: ServiceStatus }>(res: T): T => ({
    ...res,
    steps: res.steps.map((s) => ({ ...s, node: s.node || node })),
    service: res.service && { ...res.service, node: res.service.node || node },
  });
  const listed = (services: ServiceStatus[]): ListServicesResponse => ({
    services: services.map((s) => ({ ...s, node: s.node || node })),
    errors: [],
  });

  return {
    node,
    deploy: async (spec, dryRun) => {
      // The command refuses --dry-run with --direct; this guards the library call.
      if (dryRun) throw new Error('a dry run needs the master: agents do not place services');
      const res = onNode(await agent.deploy({ spec }));
      return { ...res, node, placement: undefined };
    },
    stop: async (service) => onNode(await agent.stop({ service })),
    start: async (service) => onNode(await agent.start({ service })),
    restart: async (service) => onNode(await agent.restart({ service })),
    undeploy: async (service) => {
      const { steps } = onNode(await agent.undeploy({ service }));
      return { steps };
    },
    services: async () => listed((await agent.status({ service: '' })).services),
    service: async (name) => {
      const { services } = await agent.status({ service: name });
      return listed(services.filter((s) => s.name === name));
    },
    edgeRoutes: () => Promise.resolve(undefined),
    logs: (request, signal) => agent.logs(request, { signal }),
    missing: (name) => Promise.resolve(new ServiceNotFoundError(name, node, [])),
  };
}
