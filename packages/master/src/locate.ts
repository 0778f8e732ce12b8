// Where a service runs: what the nodes' heartbeats (and the master's own placements since) say,
// confirmed by asking the agents. A node that answers is believed over its last heartbeat; a
// node that does not answer keeps what it last reported.
import { NodeHealth } from '@mcp/proto';
import { Status } from 'nice-grpc';

import { agentRpc, type Agents } from './agents.js';
import { AgentCallError } from './errors.js';
import { eachLimit } from './limit.js';
import type { NodeRegistry } from './registry.js';

const STATUS = agentRpc('status');

/** Status calls in flight at most while locating. */
const CONCURRENCY = 32;

export class Locator {
  constructor(
    private readonly registry: NodeRegistry,
    private readonly agents: Agents,
    /** Deadline of each Status call, in milliseconds. */
    private readonly deadlineMs: number,
  ) {}

  /** The nodes that run a service, sorted by name; empty when none does. */
  async find(service: string): Promise<string[]> {
    const reported = new Set(this.registry.hostsOf(service));
    const asked = this.registry.names().filter((name) => {
      const health = this.registry.get(name)?.health;
      return health !== NodeHealth.NODE_HEALTH_UNHEALTHY && this.agents.implements(name, STATUS);
    });

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
      }
    });

    for (const node of reported) if (!absent.has(node)) confirmed.add(node);
    return [...confirmed].sort();
  }
}
