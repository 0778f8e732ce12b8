// The master's operations for the CLI: deploy through placement, forward the others to the node
// that runs the service, and report the fleet. One operation per service at a time.
import {
  NodeHealth,
  StepStatus,
  type LogChunk,
  type NodeError,
  type NodeStatus,
  type ServiceSpec,
  type ServiceStatus,
  type Step,
} from '@mcp/proto';
import { validateServiceSpec } from '@mcp/scheduler';
import AsyncLock from 'async-lock';
import type { Logger } from 'pino';

import { agentRpc, type AgentClient, type Agents } from './agents.js';
import type { Clock } from './clock.js';
import { deployService, type DeployOutcome } from './deploy.js';
import {
  agentCallError,
  MasterStartingError,
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
    return this.lock.acquire(spec.name, () => deployService(this.ctx, spec, dryRun));
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
   * Removes a service from every node that runs it. A node that last reported it and does not
   * answer now gets a failed step (the service stays there); when no node answers, nothing is
   * done and ServiceUnreachableError names them.
   */
  undeploy(name: string): Promise<MasterOutcome> {
    return this.lock.acquire(name, async () => {
      const { nodes, silent, unknown } = await this.ctx.locator.find(name);
      if (nodes.length === 0) throw new ServiceNotFoundError(name, unknown);
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

  async status(name: string): Promise<ServiceStatus> {
    const node = await this.locate(name, 'get the status of');
    const out = await this.ctx.agents.call(node, 'Status', (c) => c.status({ service: name }));
    const found = out.services[0];
    if (!found) throw new ServiceNotFoundError(name);
    return found;
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
      return { steps: out.steps, service: out.service, node };
    });
  }
}
