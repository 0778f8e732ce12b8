// The master's operations: find where a service runs, forward to that node's agent, and
// report every step.
import {
  NodeHealth,
  NodeStatus,
  StepStatus,
  type LogChunk,
  type NodeError,
  type ServiceSpec,
  type ServiceStatus,
  type Step,
} from '@mcp/proto';
import { validateServiceSpec } from '@mcp/scheduler';
import type { Logger } from 'pino';

import { AgentCallError, NoTargetError, ServiceNotFoundError, UnknownNodeError } from './errors.js';
import AsyncLock from 'async-lock';
import type { Nodes } from './nodes.js';

const STATUS_DEADLINE_MS = 10_000;
const PROBE_DEADLINE_MS = 5_000;

export interface MasterOutcome {
  steps: Step[];
  service?: ServiceStatus;
  node: string;
}

function step(name: string, node: string, detail: string): Step {
  return { name, status: StepStatus.STEP_STATUS_OK, detail, error: '', node };
}

export class Master {
  private readonly lock = new AsyncLock({ maxPending: 100 });

  constructor(
    readonly nodes: Nodes,
    readonly log: Logger,
  ) {}

  /** Places and deploys a service; `dryRun` reports the placement only. */
  deploy(spec: ServiceSpec, dryRun: boolean): Promise<MasterOutcome> {
    validateServiceSpec(spec);
    return this.lock.acquire(spec.name, async () => {
      const node = this.place(spec);
      const placement = step('placement', node, `node '${node}' named by the definition`);
      if (dryRun) return { steps: [placement], node };

      const log = this.log.child({ service: spec.name, node });
      log.info('deploying');
      const out = await this.nodes.call(node, 'Deploy', (c) => c.deploy({ spec }));
      return { steps: [placement, ...out.steps], service: out.service, node };
    });
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

  undeploy(name: string): Promise<MasterOutcome> {
    return this.onNode(name, 'Undeploy', (c) => c.undeploy({ service: name }));
  }

  /** Every service on every node (or one node), with the nodes that did not answer. */
  async list(only: string): Promise<{ services: ServiceStatus[]; errors: NodeError[] }> {
    if (only && !this.nodes.has(only)) throw new UnknownNodeError(only, this.nodes.names());
    const names = only ? [only] : this.nodes.names();
    const answers = await Promise.allSettled(
      names.map((n) =>
        this.nodes.call(n, 'Status', (c) =>
          c.status({ service: '' }, { signal: AbortSignal.timeout(STATUS_DEADLINE_MS) }),
        ),
      ),
    );
    const services: ServiceStatus[] = [];
    const errors: NodeError[] = [];
    answers.forEach((a, i) => {
      if (a.status === 'fulfilled') services.push(...a.value.services);
      else errors.push({ node: names[i] ?? '', error: (a.reason as Error).message });
    });
    services.sort((a, b) => a.name.localeCompare(b.name) || a.node.localeCompare(b.node));
    return { services, errors };
  }

  async status(name: string): Promise<ServiceStatus> {
    const node = await this.locate(name);
    const out = await this.nodes.call(node, 'Status', (c) => c.status({ service: name }));
    const found = out.services[0];
    if (!found) throw new ServiceNotFoundError(name);
    return found;
  }

  async *logs(
    req: { service: string; component: string; follow: boolean; tail: number },
    signal: AbortSignal,
  ): AsyncGenerator<LogChunk> {
    const node = await this.locate(req.service);
    const client = this.nodes.client(node);
    try {
      for await (const r of client.logs(req, { signal })) if (r.chunk) yield r.chunk;
    } catch (err) {
      if (signal.aborted) return;
      throw err instanceof AgentCallError ? err : this.nodes.callError(node, 'Logs', err);
    }
  }

  /** Every configured node, health taken from a HealthCheck probe of its agent. */
  async nodeStatuses(): Promise<NodeStatus[]> {
    const names = this.nodes.names();
    const probes = await Promise.allSettled(
      names.map((n) =>
        this.nodes.call(n, 'HealthCheck', (c) =>
          c.healthCheck({}, { signal: AbortSignal.timeout(PROBE_DEADLINE_MS) }),
        ),
      ),
    );
    return names.map((name, i) => {
      const probe = probes[i];
      const ok = probe?.status === 'fulfilled' ? probe.value : undefined;
      return NodeStatus.fromPartial({
        info: {
          name,
          agentAddress: this.nodes.address(name),
          version: ok?.version ?? '',
          rpcs: ok?.rpcs ?? [],
        },
        usage: { containers: ok?.containers ?? 0 },
        health: ok ? NodeHealth.NODE_HEALTH_HEALTHY : NodeHealth.NODE_HEALTH_UNHEALTHY,
        lastSeenMs: ok ? Date.now() : 0,
        healthError: probe?.status === 'rejected' ? (probe.reason as Error).message : '',
      });
    });
  }

  /** The node a new deploy goes to: the one the definition names. */
  private place(spec: ServiceSpec): string {
    if (!spec.node) throw new NoTargetError(spec.name, this.nodes.names());
    if (!this.nodes.has(spec.node)) throw new UnknownNodeError(spec.node, this.nodes.names());
    return spec.node;
  }

  /** The node that runs a service, asking every agent. */
  private async locate(name: string): Promise<string> {
    const { services } = await this.list('');
    const found = services.find((s) => s.name === name);
    if (!found) throw new ServiceNotFoundError(name);
    return found.node;
  }

  private onNode(
    name: string,
    method: string,
    fn: (c: ReturnType<Nodes['client']>) => Promise<{ steps: Step[]; service?: ServiceStatus }>,
  ): Promise<MasterOutcome> {
    return this.lock.acquire(name, async () => {
      const node = await this.locate(name);
      this.log.info({ service: name, node }, `${method.toLowerCase()} requested`);
      const out = await this.nodes.call(node, method, fn);
      return { steps: out.steps, service: out.service, node };
    });
  }
}
