// The master's view of the fleet, in memory: what each node said when it registered, what its
// last heartbeat measured, its health, and the placements the master made that no heartbeat
// shows yet. Everything here is rebuilt from agents after a restart.
import { NodeHealth, NodeUsage, type NodeInfo, type NodeStatus, type Resources } from '@mcp/proto';

import type { CachedNodeEntry } from './cache.js';
import type { Clock } from './clock.js';
import { absorb, runs, sameInfo, sameServiceNames, servicesOn } from './usage.js';

/** A placement (or removal) the master made that the node's heartbeats may not show yet. */
export interface Pending {
  /** The service's request; undefined when the master removed the service from the node. */
  readonly resources: Resources | undefined;
  /** When the agent call ended, Unix milliseconds; 0 while it runs. */
  settledAtMs: number;
}

/** One node as the master knows it. */
export interface NodeRecord {
  info: NodeInfo;
  usage: NodeUsage;
  health: NodeHealth;
  /** Why the node is unhealthy; empty otherwise. */
  healthError: string;
  /** Last heartbeat or registration, Unix milliseconds; 0 for a cached node not heard from. */
  lastSeenMs: number;
  /** Last heartbeat, registration, successful probe, or the restore from the cache. */
  lastContactMs: number;
  /** Start of the last probe; 0 when never probed. */
  lastProbeMs: number;
  /** Health when the last probe started. */
  healthBeforeProbe: NodeHealth;
  /** `lastSeenMs` when the probe under way started; undefined when none is. */
  seenBeforeProbe?: number | undefined;
  /**
   * Whether `usage.services` says what the node runs: false for a node restored from a cache
   * that did not list its services, until it reports them.
   */
  servicesKnown: boolean;
  /** By service name. */
  readonly pending: Map<string, Pending>;
}

/** What a registration replaced. */
export interface Registered {
  /** The node's entry before, if it was known. */
  readonly previous?: { readonly agentAddress: string };
}

/** Options of the registry. */
export interface RegistryOptions {
  clock: Clock;
  /** Heartbeat interval the agents were told, in milliseconds. */
  intervalMs: number;
  /**
   * Called when a node joins, its info changes, or the set of services it reports changes
   * (not on every heartbeat).
   */
  onChange?: () => void;
}

// TODO: nothing forgets a node: a decommissioned one stays listed, unhealthy, and stays in the
// cache, until the operator deletes nodes.json and restarts the master.
export class NodeRegistry {
  private readonly nodes = new Map<string, NodeRecord>();

  constructor(private readonly options: RegistryOptions) {}

  /** Stores a node's report, replacing an earlier entry of the same name. */
  register(info: NodeInfo, usage: NodeUsage | undefined): Registered {
    const now = this.options.clock.now();
    const known = this.nodes.get(info.name);
    const next = usage ?? known?.usage ?? NodeUsage.create();
    const changed = !known || !sameInfo(known.info, info) || !sameServiceNames(known.usage, next);

    this.nodes.set(info.name, {
      info,
      usage: next,
      health: NodeHealth.NODE_HEALTH_HEALTHY,
      healthError: '',
      lastSeenMs: now,
      lastContactMs: now,
      lastProbeMs: known?.lastProbeMs ?? 0,
      healthBeforeProbe: NodeHealth.NODE_HEALTH_HEALTHY,
      servicesKnown: usage !== undefined || (known?.servicesKnown ?? false),
      pending: known?.pending ?? new Map(),
    });
    if (changed) this.options.onChange?.();
    if (!known) return {};
    return { previous: { agentAddress: known.info.agentAddress } };
  }

  /**
   * Records a heartbeat. Returns undefined for a node the master does not know, else the
   * health the node had before (it is healthy now).
   */
  heartbeat(name: string, usage: NodeUsage | undefined): NodeHealth | undefined {
    const node = this.nodes.get(name);
    if (!node) return undefined;

    const now = this.options.clock.now();
    const before = node.health;
    if (usage) {
      // absorb keeps the services list object while it is unchanged: a cheap test for the cache.
      const services = node.usage.services;
      absorb(node.usage, usage);
      if (!node.servicesKnown || node.usage.services !== services) {
        node.servicesKnown = true;
        this.options.onChange?.();
      }
    }
    node.lastSeenMs = now;
    node.lastContactMs = now;
    node.health = NodeHealth.NODE_HEALTH_HEALTHY;
    node.healthError = '';
    if (node.pending.size > 0) this.reconcile(node, now);
    return before;
  }

  /**
   * Lists cached nodes, not yet heard from, as being probed, running what they last reported
   * (their requests unknown).
   */
  restore(entries: readonly CachedNodeEntry[]): void {
    const now = this.options.clock.now();
    for (const { info, services } of entries) {
      if (this.nodes.has(info.name)) continue;
      const placed = (services ?? []).map((service) => ({ service, resources: undefined }));
      this.nodes.set(info.name, {
        info,
        usage: { ...NodeUsage.create(), services: placed },
        health: NodeHealth.NODE_HEALTH_PROBING,
        healthError: '',
        lastSeenMs: 0,
        lastContactMs: now,
        lastProbeMs: 0,
        healthBeforeProbe: NodeHealth.NODE_HEALTH_PROBING,
        servicesKnown: services !== undefined,
        pending: new Map(),
      });
    }
  }

  get(name: string): NodeRecord | undefined {
    return this.nodes.get(name);
  }

  /** How many nodes the master knows (registered or restored from the cache). */
  get size(): number {
    return this.nodes.size;
  }

  names(): string[] {
    return [...this.nodes.keys()].sort();
  }

  records(): IterableIterator<NodeRecord> {
    return this.nodes.values();
  }

  /** Every node's info and the services it runs, for the cache. */
  entries(): CachedNodeEntry[] {
    return this.names().flatMap((name) => {
      const node = this.nodes.get(name);
      if (!node) return [];
      const services = node.servicesKnown ? servicesOn(node.usage, node.pending) : undefined;
      return [{ info: node.info, services }];
    });
  }

  /** Nodes silent for more than 3 intervals and not probed within the last interval. */
  silent(): string[] {
    const now = this.options.clock.now();
    const { intervalMs } = this.options;
    const out: string[] = [];
    for (const [name, node] of this.nodes) {
      if (now - node.lastContactMs <= 3 * intervalMs) continue;
      if (now - node.lastProbeMs < intervalMs) continue;
      out.push(name);
    }
    return out;
  }

  /** Marks the start of a probe. */
  probing(name: string): void {
    const node = this.nodes.get(name);
    if (!node) return;
    node.lastProbeMs = this.options.clock.now();
    node.healthBeforeProbe = node.health;
    node.seenBeforeProbe = node.lastSeenMs;
    if (node.health !== NodeHealth.NODE_HEALTH_UNHEALTHY) {
      node.health = NodeHealth.NODE_HEALTH_PROBING;
    }
  }

  /** Records a probe that answered; returns the health the node had before the probe. */
  probeAnswered(
    name: string,
    seen: { version: string; rpcs: string[]; containers: number },
  ): NodeHealth | undefined {
    const node = this.nodes.get(name);
    if (!node) return undefined;
    const before = node.healthBeforeProbe;
    node.seenBeforeProbe = undefined;
    node.health = NodeHealth.NODE_HEALTH_HEALTHY;
    node.healthError = '';
    node.lastContactMs = this.options.clock.now();
    node.info = { ...node.info, version: seen.version || node.info.version, rpcs: seen.rpcs };
    node.usage = { ...node.usage, containers: seen.containers };
    return before;
  }

  /** Records a probe that failed; true when the node was not unhealthy before. */
  probeFailed(name: string, reason: string): boolean {
    const node = this.nodes.get(name);
    if (!node) return false;
    // A heartbeat that came while the probe ran outranks it: the probe may have been stuck on a
    // connection opened while the node was cut off, which the heartbeat has since had reopened.
    const seen = node.seenBeforeProbe;
    node.seenBeforeProbe = undefined;
    if (seen !== undefined && node.lastSeenMs > seen) return false;
    const changed = node.health !== NodeHealth.NODE_HEALTH_UNHEALTHY;
    node.health = NodeHealth.NODE_HEALTH_UNHEALTHY;
    node.healthError = reason;
    return changed;
  }

  /** Services a probe found on a node not yet heard from, their requests unknown. */
  probeServices(name: string, services: readonly string[]): void {
    const node = this.nodes.get(name);
    if (!node || node.lastSeenMs > 0) return;
    const next = services.map((service) => ({ service, resources: undefined }));
    const changed = !node.servicesKnown || !sameServiceNames(node.usage, { services: next });
    node.usage = { ...node.usage, services: next };
    node.servicesKnown = true;
    if (changed) this.options.onChange?.();
  }

  /** The nodes that run a service, by their heartbeats and the master's own placements since. */
  hostsOf(service: string): string[] {
    const out: string[] = [];
    for (const [name, node] of this.nodes) {
      if (runs(node.usage, node.pending, service)) out.push(name);
    }
    return out.sort();
  }

  /** Counts a placement (or, without resources, a removal) before the node reports it. */
  reserve(node: string, service: string, resources: Resources | undefined): void {
    this.nodes.get(node)?.pending.set(service, { resources, settledAtMs: 0 });
  }

  /** The agent call of a reservation ended well; the next heartbeats will show it. */
  settle(node: string, service: string): void {
    const pending = this.nodes.get(node)?.pending.get(service);
    if (pending) pending.settledAtMs = this.options.clock.now();
  }

  /** The agent call of a reservation failed; the node's own reports stand. */
  release(node: string, service: string): void {
    this.nodes.get(node)?.pending.delete(service);
  }

  /** One row per node for `mcp node list`, sorted by name. */
  statuses(): NodeStatus[] {
    return this.names().flatMap((name) => {
      const n = this.nodes.get(name);
      if (!n) return [];
      const { info, usage, health, lastSeenMs, healthError } = n;
      return [{ info, usage, health, lastSeenMs, healthError, draining: false }];
    });
  }

  /**
   * Drops the master's own placements that a heartbeat now shows, or that ended more than an
   * interval ago (the agent's report is the truth after that).
   */
  private reconcile(node: NodeRecord, now: number): void {
    for (const [service, p] of node.pending) {
      if (p.settledAtMs === 0) continue;
      const reported = node.usage.services.some((s) => s.service === service);
      const expired = now - p.settledAtMs > this.options.intervalMs;
      if (reported === (p.resources !== undefined) || expired) node.pending.delete(service);
    }
  }
}
