// The master's operations for the CLI: deploy through placement, forward the others to the node
// that runs the service, and report the fleet. One operation per service at a time.
import {
  NodeHealth,
  StepStatus,
  type DnsRecord,
  type LogChunk,
  type NodeError,
  type NodeStatus,
  type EdgeRouteStatus,
  type ServiceSpec,
  type ServiceStatus,
  type Step,
} from '@mcp/proto';
import { dnsName, validateServiceSpec } from '@mcp/scheduler';
import AsyncLock from 'async-lock';
import type { Logger } from 'pino';

import { agentRpc, type AgentClient, type Agents } from './agents.js';
import type { Clock } from './clock.js';
import { deployService, type DeployOutcome } from './deploy.js';
import type { DnsRecords } from './dns.js';
import type { EdgeRoutes } from './edge.js';
import { edgeKey, publicRoutes, publicRoutesOf } from './public-routes.js';
import {
  agentCallError,
  MasterStartingError,
  NoMcnsError,
  ServiceNotFoundError,
  ServiceUnreachableError,
  UnknownNodeError,
} from './errors.js';
import { eachLimit } from './limit.js';
import type { Locator } from './locate.js';
import type { NodeRegistry } from './registry.js';

/** Deadline of a Status call to a healthy node while listing, in milliseconds. */
const LIST_DEADLINE_MS = 10_000;
const STATUS = agentRpc('status');

export interface MasterOutcome {
  steps: Step[];
  service?: ServiceStatus;
  node: string;
}

/** What the master works with. */
export interface MasterContext {
  registry: NodeRegistry;
  agents: Agents;
  locator: Locator;
  clock: Clock;
  /** A node silent for this long gets no placements (3 heartbeat intervals). */
  staleAfterMs: number;
  /** Deadline of a Status call to an unhealthy node, in milliseconds. */
  probeTimeoutMs: number;
  /** Until then, just after start, nodes may not have reported: deploys are refused. */
  readyAtMs: number;
  /** The edge nodes' routes. */
  edge: EdgeRoutes;
  /** Domains public hostnames may be under. Default none: public routes are refused. */
  allowedDomains: readonly string[];
  /** The service and node names in MCNS; undefined without `[mcns]`. */
  dns?: DnsRecords;
  log: Logger;
}

export class Master {
  private readonly lock = new AsyncLock({ maxPending: 100 });

  constructor(private readonly ctx: MasterContext) {}

  /** Places and deploys a service; `dryRun` reports the placement only. */
  deploy(spec: ServiceSpec, dryRun: boolean): Promise<DeployOutcome> {
    validateServiceSpec(spec);
    const wait = this.ctx.readyAtMs - this.ctx.clock.now();
    if (!dryRun && wait > 0) throw new MasterStartingError(spec.name, wait);
    // Two services asking for one public hostname at once: one waits, then is refused.
    const wanted = publicRoutes(spec, this.ctx.allowedDomains);
    const hostnames = wanted.map((r) => `public ${edgeKey(r.listenerPort, r.hostname)}`);
    return this.lock.acquire([spec.name, ...hostnames], () =>
      deployService(this.ctx, spec, wanted, dryRun),
    );
  }

  stop(name: string): Promise<MasterOutcome> {
    return this.onNode(name, 'Stop', (c) => c.stop({ service: name }));
  }

  start(name: string): Promise<MasterOutcome> {
    return this.onNode(name, 'Start', (c) => c.start({ service: name }));
  }

  restart(name: string): Promise<MasterOutcome> {
    return this.onNode(name, 'Restart', (c) => c.restart({ service: name }));
  }

  /**
   * Removes a service from every node that runs it, then its edge routes, then its DNS name. A
   * node that last reported it and does not answer now gets a failed step (the service stays
   * there); when no node answers, nothing is done and ServiceUnreachableError names them. A
   * service that runs nowhere but still has edge routes or a DNS name loses those.
   */
  undeploy(name: string): Promise<MasterOutcome> {
    return this.lock.acquire(name, async () => {
      const { nodes, silent, unknown } = await this.ctx.locator.find(name);
      if (nodes.length === 0) {
        const edge = await this.ctx.edge.withdraw(name);
        const dns = await this.ctx.dns?.unregister(name, true);
        const steps = dns ? [...edge, dns] : edge;
        if (steps.length === 0) throw new ServiceNotFoundError(name, unknown);
        return { steps, node: '' };
      }
      if (silent.length === nodes.length) {
        throw new ServiceUnreachableError(name, 'undeploy', silent);
      }

      // The nodes that do not answer keep it: a failed step each, so the answer says so.
      const steps: Step[] = silent.map(({ node, reason }) => ({
        name: 'undeploy',
        node,
        status: StepStatus.STEP_STATUS_FAILED,
        detail: '',
        error: `node '${node}' does not answer (${reason}); the service stays there`,
      }));
      for (const node of nodes.filter((n) => !silent.some((s) => s.node === n))) {
        this.ctx.log.info({ service: name, node }, 'undeploy requested');
        const out = await this.ctx.agents.call(node, 'Undeploy', (c) =>
          c.undeploy({ service: name }),
        );
        this.ctx.registry.reserve(node, name, undefined);
        this.ctx.registry.settle(node, name);
        steps.push(...out.steps);
      }
      steps.push(...(await this.ctx.edge.withdraw(name)));
      const dns = await this.ctx.dns?.unregister(name);
      if (dns) steps.push(dns);
      return { steps, node: nodes.join(',') };
    });
  }

  /**
   * Every service on every known node (or one node), asked live, healthy nodes or not; the nodes
   * that did not answer are in `errors`.
   */
  async list(only: string): Promise<{ services: ServiceStatus[]; errors: NodeError[] }> {
    const { registry, agents } = this.ctx;
    if (only && !registry.get(only)) {
      throw new UnknownNodeError(only, registry.names(), 'list services');
    }
    const names = (only ? [only] : registry.names()).filter((n) => agents.implements(n, STATUS));

    const services: ServiceStatus[] = [];
    const errors: NodeError[] = [];
    await eachLimit(names, 32, async (node) => {
      const healthy = registry.get(node)?.health !== NodeHealth.NODE_HEALTH_UNHEALTHY;
      const deadline = healthy ? LIST_DEADLINE_MS : this.ctx.probeTimeoutMs;
      try {
        const out = await agents.call(
          node,
          'Status',
          (c, signal) => c.status({ service: '' }, { signal }),
          { timeoutMs: deadline },
        );
        services.push(...out.services);
      } catch (err) {
        errors.push({ node, error: (err as Error).message });
      }
    });
    services.sort((a, b) => a.name.localeCompare(b.name) || a.node.localeCompare(b.node));
    errors.sort((a, b) => a.node.localeCompare(b.node));
    return { services, errors };
  }

  /** One service as its node reports it, with its edge routes checked against it. */
  async status(name: string): Promise<{
    service: ServiceStatus;
    edgeRoutes: EdgeRouteStatus[];
    edgeErrors: NodeError[];
  }> {
    const node = await this.locate(name, 'get the status of');
    const out = await this.ctx.agents.call(node, 'Status', (c) => c.status({ service: name }));
    const found = out.services[0];
    if (!found) throw new ServiceNotFoundError(name);
    const edge = await this.ctx.edge.list([found], []);
    const edgeRoutes = edge.routes.filter((r) => r.route?.service === name);
    return { service: found, edgeRoutes, edgeErrors: edge.errors };
  }

  /** Every edge node's routes, each checked against where its service runs now. */
  async edgeRoutes(): Promise<{ routes: EdgeRouteStatus[]; errors: NodeError[] }> {
    const { services, errors } = await this.list('');
    const edge = await this.ctx.edge.list(services, errors);
    return { routes: edge.routes, errors: [...edge.errors, ...errors] };
  }

  /**
   * The records the master manages in MCNS (of `zone` only, when given); MCNS not answering is
   * `error`. NoMcnsError without `[mcns]`.
   */
  async dnsRecords(zone: string): Promise<{ records: DnsRecord[]; error: string }> {
    const dns = this.ctx.dns;
    if (!dns) throw new NoMcnsError();
    if (zone && dnsName(zone) !== dns.zone) return { records: [], error: '' };
    try {
      const records = await dns.list();
      records.sort((a, b) => a.name.localeCompare(b.name) || a.value.localeCompare(b.value));
      return { records, error: '' };
    } catch (err) {
      return { records: [], error: (err as Error).message };
    }
  }

  async *logs(
    req: { service: string; component: string; follow: boolean; tail: number },
    signal: AbortSignal,
  ): AsyncGenerator<LogChunk> {
    const node = await this.locate(req.service, 'read the logs of');
    this.ctx.agents.require(node, 'logs');
    const client = this.ctx.agents.client(node);
    try {
      for await (const r of client.logs(req, { signal })) if (r.chunk) yield r.chunk;
    } catch (err) {
      if (signal.aborted) return;
      throw agentCallError(node, this.ctx.agents.address(node), 'Logs', err);
    }
  }

  /** Every registered node with its health and last report. */
  nodeStatuses(): NodeStatus[] {
    return this.ctx.registry.statuses();
  }

  /**
   * The node that runs a service: the first of those that answered. When only nodes that do
   * not answer last reported it, ServiceUnreachableError names them (`verb` says what failed).
   */
  private async locate(name: string, verb: string): Promise<string> {
    const { nodes, silent, unknown } = await this.ctx.locator.find(name);
    const live = nodes.find((n) => !silent.some((s) => s.node === n));
    if (live !== undefined) return live;
    if (silent.length > 0) throw new ServiceUnreachableError(name, verb, silent);
    throw new ServiceNotFoundError(name, unknown);
  }

  private onNode(
    name: string,
    method: string,
    fn: (c: AgentClient) => Promise<{ steps: Step[]; service?: ServiceStatus }>,
  ): Promise<MasterOutcome> {
    return this.lock.acquire(name, async () => {
      const node = await this.locate(name, method.toLowerCase());
      this.ctx.log.info({ service: name, node }, `${method.toLowerCase()} requested`);
      const out = await this.ctx.agents.call(node, method, fn);

      // A stopped service keeps no edge routes (public requests would find nothing); a started
      // one gets them back, pointing where its node now serves it.
      const failed = out.steps.some((s) => s.status === StepStatus.STEP_STATUS_FAILED);
      let edge: Step[] = [];
      if (method === 'Stop') edge = await this.ctx.edge.withdraw(name);
      else if (out.service && !failed) {
        const wanted = publicRoutesOf(out.service, this.ctx.allowedDomains);
        edge = await this.ctx.edge.expose(out.service, wanted);
      }
      return { steps: [...out.steps, ...edge], service: out.service, node };
    });
  }
}
