// Where a service runs: what the nodes' heartbeats (and the master's own placements since) say,
// confirmed by asking the agents. A node that answers is believed over its last heartbeat; a
// node that does not answer keeps what it last reported, and is named as silent so that a
// command can say the service was last reported there rather than that it runs nowhere.
import { NodeHealth } from '@mcp/proto';
import { Status } from 'nice-grpc';

import { agentRpc, type Agents } from './agents.js';
import { AgentCallError, type SilentNode } from './errors.js';
import { eachLimit } from './limit.js';
import type { NodeRegistry } from './registry.js';

const STATUS = agentRpc('status');

/** Status calls in flight at most while locating. */
const CONCURRENCY = 32;

/** Where a service runs, as far as the master can tell. */
export interface Location {
  /**
   * The nodes that run it, sorted by name: those whose agents say so, and those that last
   * reported it and did not answer now. Empty when none does.
   */
  readonly nodes: string[];
  /** Of `nodes`, those that did not answer (or, unhealthy, were not asked), with why. */
  readonly silent: SilentNode[];
  /**
   * Nodes that did not answer and whose services the master has never learnt (not heard from
   * since it started, and not in its cache), where the service may run. Sorted by name.
   */
  readonly unknown: SilentNode[];
}

export class Locator {
  constructor(
    private readonly registry: NodeRegistry,
    private readonly agents: Agents,
    /** Deadline of each Status call, in milliseconds. */
    private readonly deadlineMs: number,
  ) {}

  /** Asks the healthy nodes, and keeps what the others last reported. */
  async find(service: string): Promise<Location> {
    const reported = new Set(this.registry.hostsOf(service));
    const silent = new Map<string, string>();
    const asked: string[] = [];
    for (const name of this.registry.names()) {
      const record = this.registry.get(name);
      if (record?.health === NodeHealth.NODE_HEALTH_UNHEALTHY) {
        silent.set(name, record.healthError ? `unhealthy: ${record.healthError}` : 'unhealthy');
      } else if (this.agents.implements(name, STATUS)) asked.push(name);
    }

    // Ask: a node that answers settles the question for itself.
    const confirmed = new Set<string>();
    const absent = new Set<string>();
    await eachLimit(asked, CONCURRENCY, async (node) => {
      try {
        const { services } = await this.agents.call(
          node,
          'Status',
          (c, signal) => c.status({ service }, { signal }),
          { timeoutMs: this.deadlineMs },
        );
        (services.some((s) => s.name === service) ? confirmed : absent).add(node);
      } catch (err) {
        if (err instanceof AgentCallError && err.status === Status.NOT_FOUND) absent.add(node);
        else silent.set(node, err instanceof AgentCallError ? err.reason : String(err));
      }
    });

    // Keep what the silent nodes last reported.
    for (const node of reported) if (!absent.has(node)) confirmed.add(node);
    const nodes = [...confirmed].sort();
    const unknown = [...silent.keys()]
      .filter((n) => !confirmed.has(n) && this.registry.get(n)?.servicesKnown === false)
      .sort();
    const describe = (node: string): SilentNode => ({ node, reason: silent.get(node) ?? '' });
    return {
      nodes,
      silent: nodes.filter((n) => silent.has(n)).map(describe),
      unknown: unknown.map(describe),
    };
  }
}
