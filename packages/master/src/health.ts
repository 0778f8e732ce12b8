// The health monitor: a timer that finds nodes silent for more than 3 intervals and probes
// their agents' HealthCheck. A failed probe marks the node unhealthy with the reason; a
// successful one (or a heartbeat, see the registry) marks it healthy again.
import { NodeHealth } from '@mcp/proto';
import type { Logger } from 'pino';

import { agentRpc, type Agents } from './agents.js';
import type { Clock } from './clock.js';
import { eachLimit } from './limit.js';
import type { NodeRegistry } from './registry.js';

/** Options of the health monitor. */
export interface HealthOptions {
  /** Heartbeat interval the agents were told, in milliseconds. */
  intervalMs: number;
  /** Deadline of one HealthCheck probe, in milliseconds. */
  probeTimeoutMs: number;
  clock: Clock;
  log: Logger;
  /** How often to look for silent nodes. Default: a quarter interval, at most 1 s. */
  tickMs?: number;
  /** Probes in flight at most. Default 32. */
  concurrency?: number;
}

const STATUS = agentRpc('status');

export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private readonly probing = new Set<string>();
  private readonly closed = new AbortController();

  constructor(
    private readonly registry: NodeRegistry,
    private readonly agents: Agents,
    private readonly options: HealthOptions,
  ) {}

  /** Starts the timer. */
  start(): void {
    const tick = this.options.tickMs ?? Math.min(1000, this.options.intervalMs / 4);
    this.timer = setInterval(() => void this.check(), tick);
    this.timer.unref();
  }

  /** Probes every node silent for more than 3 intervals; resolves when the probes settled. */
  check(): Promise<void> {
    const silent = this.registry.silent().filter((n) => !this.probing.has(n));
    return this.probeAll(silent, false);
  }

  /**
   * Probes nodes with HealthCheck and, with `services`, asks them what they run (the view
   * after a restart, before any heartbeat).
   */
  probeAll(names: readonly string[], services: boolean): Promise<void> {
    return eachLimit(names, this.options.concurrency ?? 32, (n) => this.probe(n, services));
  }

  /** Stops the timer and cancels the probes in flight. */
  close(): void {
    clearInterval(this.timer);
    this.closed.abort();
  }

  private async probe(name: string, services: boolean): Promise<void> {
    if (this.closed.signal.aborted || this.probing.has(name)) return;
    this.probing.add(name);
    this.registry.probing(name);
    const log = this.options.log.child({ node: name });
    const call = { timeoutMs: this.options.probeTimeoutMs, signal: this.closed.signal };

    try {
      const seen = await this.agents.call(
        name,
        'HealthCheck',
        (c, signal) => c.healthCheck({}, { signal }),
        call,
      );
      if (seen.node !== name) throw new Error(`the agent answers as node '${seen.node}'`);
      const before = this.registry.probeAnswered(name, seen);
      if (before === NodeHealth.NODE_HEALTH_UNHEALTHY) log.info('node healthy again');
      else if (services) log.info('node answered after the master started');
      if (services && this.agents.implements(name, STATUS)) await this.services(name, call);
    } catch (err) {
      if (this.closed.signal.aborted) return;
      const reason = `HealthCheck failed: ${(err as Error).message}`;
      if (this.registry.probeFailed(name, reason)) log.warn({ err }, 'node unhealthy');
    } finally {
      this.probing.delete(name);
    }
  }

  /** Records what a node runs; a failure leaves the node's health as the HealthCheck said. */
  private async services(
    name: string,
    call: { timeoutMs: number; signal: AbortSignal },
  ): Promise<void> {
    try {
      const { services } = await this.agents.call(
        name,
        'Status',
        (c, signal) => c.status({ service: '' }, { signal }),
        call,
      );
      this.registry.probeServices(
        name,
        services.map((s) => s.name),
      );
    } catch (err) {
      this.options.log.warn({ node: name, err }, 'node did not report its services');
    }
  }
}
