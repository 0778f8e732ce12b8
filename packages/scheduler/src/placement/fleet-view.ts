// A fleet snapshot indexed once for any number of placements: nodes sorted by name (so the
// answer does not depend on the order agents registered in), looked up by name, the pools the
// agents declared, and every node's figures in flat typed arrays. Placement reads the figures
// of every node for every decision; flat arrays keep that read cheap and its cost predictable.
import type { FleetSnapshot, Resources } from '@mcp/proto';

import { DuplicateNodeError } from '../errors.js';
import { addResources, emptyResources } from '../resources.js';
import {
  CPU,
  DEFAULT_STALE_AFTER_MS,
  DISK,
  MEMORY,
  NodeView,
  type Clock,
  type Resource,
} from './node-view.js';

/** The indexed fleet. Node figures change as a batch places services. */
export class FleetView {
  /** Every node, sorted by name in code-unit order; a node's index is its place here. */
  readonly nodes: readonly NodeView[];
  /** Node index by name. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Every pool name some node declares. */
  readonly pools: ReadonlySet<string>;
  /** 1 where a node has a reason that rejects it for any service. */
  readonly blocked: Uint8Array;
  /** The architectures of the fleet, each once, and each node's as an index into them. */
  readonly arches: readonly string[];
  readonly archOf: Uint16Array;
  /** Per node and resource (index * 3 + resource): capacity less reservations. */
  readonly alloc: Float64Array;
  /** Per node and resource: sum of the requests placed. */
  readonly used: Float64Array;
  /** Per node and resource: measured free, lowered by placements since; Infinity if unknown. */
  readonly free: Float64Array;
  /** Commits so far; a decision taken now reads the fleet at this version. */
  version = 0;
  /** The nodes each service is placed on, by index. */
  private readonly hosts = new Map<string, Set<number>>();
  /** Per node, its used and free figures before each commit to it, to read past versions. */
  private readonly undo = new Map<number, UndoLog>();
  /** Pool membership by pool name, built on first use. */
  private readonly members = new Map<string, Uint8Array>();

  /** @throws DuplicateNodeError when two nodes share a name. */
  constructor(fleet: FleetSnapshot) {
    const clock = clockOf(fleet);
    const snapshots = [...fleet.nodes].sort((a, b) => byName(a.name, b.name));
    const count = snapshots.length;
    const indexOf = new Map<string, number>();
    const pools = new Set<string>();
    const arches: string[] = [];
    this.blocked = new Uint8Array(count);
    this.archOf = new Uint16Array(count);
    this.alloc = new Float64Array(count * 3);
    this.used = new Float64Array(count * 3);
    this.free = new Float64Array(count * 3);

    const nodes = snapshots.map((snapshot, i) => {
      if (indexOf.has(snapshot.name)) throw new DuplicateNodeError(snapshot.name);
      indexOf.set(snapshot.name, i);
      for (const pool of snapshot.pools) pools.add(pool);

      const node = new NodeView(snapshot, clock);
      const { capacity, reserved, free } = snapshot;
      this.blocked[i] = node.staticReasons.length > 0 ? 1 : 0;
      if (!arches.includes(node.arch)) arches.push(node.arch);
      this.archOf[i] = arches.indexOf(node.arch);
      this.alloc[i * 3 + CPU] = (capacity?.cpuMillis ?? 0) - (reserved?.cpuMillis ?? 0);
      this.alloc[i * 3 + MEMORY] = (capacity?.memoryBytes ?? 0) - (reserved?.memoryBytes ?? 0);
      this.alloc[i * 3 + DISK] = (capacity?.diskBytes ?? 0) - (reserved?.diskBytes ?? 0);
      this.free[i * 3 + CPU] = free ? free.cpuMillis : Infinity;
      this.free[i * 3 + MEMORY] = free ? free.memoryBytes : Infinity;
      this.free[i * 3 + DISK] = free ? free.diskBytes : Infinity;

      for (const p of snapshot.placements) {
        const request = p.resources ?? emptyResources();
        add(this.used, i, request, 1);
        node.placed.set(p.service, addResources(node.placed.get(p.service), request));
        this.hostsOf(p.service, true).add(i);
      }
      return node;
    });

    this.nodes = nodes;
    this.arches = arches;
    this.indexOf = indexOf;
    this.pools = pools;
  }

  /** The indexes of the nodes a service is placed on, if any. */
  hostsOf(service: string): ReadonlySet<number> | undefined;
  hostsOf(service: string, create: true): Set<number>;
  hostsOf(service: string, create = false): Set<number> | undefined {
    let hosts = this.hosts.get(service);
    if (!hosts && create) this.hosts.set(service, (hosts = new Set()));
    return hosts;
  }

  /** 1 for each node in a pool, by node index. */
  membersOf(pool: string): Uint8Array {
    const known = this.members.get(pool);
    if (known) return known;

    const members = Uint8Array.from(this.nodes, (node) => (node.pools.includes(pool) ? 1 : 0));
    this.members.set(pool, members);
    return members;
  }

  /**
   * What a service may still use of a resource on a node: what is neither allocated nor
   * measured in use, plus what the service itself holds there (`own`), which it replaces.
   */
  room(index: number, resource: Resource, own: number): number {
    const at = index * 3 + resource;
    const unallocated = (this.alloc[at] ?? 0) - (this.used[at] ?? 0);
    return Math.min(unallocated, this.free[at] ?? 0) + own;
  }

  /**
   * The room a service had on a node when the fleet was at `version` (the present one unless
   * given): the figures before the first later commit to the node, or its present ones.
   */
  roomAt(index: number, resource: Resource, own: number, version = this.version): number {
    const log = this.undo.get(index);
    const k = log ? firstAfter(log.versions, version) : -1;
    if (!log || k < 0) return this.room(index, resource, own);

    const unallocated = (this.alloc[index * 3 + resource] ?? 0) - (log.used[k * 3 + resource] ?? 0);
    return Math.min(unallocated, log.free[k * 3 + resource] ?? 0) + own;
  }

  /**
   * Counts a service against a node, replacing its earlier request there if any; measured free
   * drops by the difference, floored at zero, until the next heartbeat measures it (as
   * `withPlacement` does to a snapshot).
   */
  commit(index: number, service: string, request: Resources): void {
    const node = this.nodes[index];
    if (!node) return;

    this.version++;
    let log = this.undo.get(index);
    if (!log) this.undo.set(index, (log = { versions: [], used: [], free: [] }));
    log.versions.push(this.version);
    for (const r of [CPU, MEMORY, DISK]) {
      log.used.push(this.used[index * 3 + r] ?? 0);
      log.free.push(this.free[index * 3 + r] ?? 0);
    }

    const prior = node.placed.get(service) ?? emptyResources();
    add(this.used, index, prior, -1);
    add(this.used, index, request, 1);
    add(this.free, index, prior, 1);
    add(this.free, index, request, -1);
    for (const r of [CPU, MEMORY, DISK]) {
      this.free[index * 3 + r] = Math.max(0, this.free[index * 3 + r] ?? 0);
    }

    node.placed.set(service, request);
    this.hostsOf(service, true).add(index);
  }
}

/** A node's figures before each commit to it: version, then three used and three free each. */
interface UndoLog {
  readonly versions: number[];
  readonly used: number[];
  readonly free: number[];
}

/** The position of the first version above `version` in an ascending list, or -1. */
function firstAfter(versions: readonly number[], version: number): number {
  let low = 0;
  let high = versions.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((versions[mid] ?? 0) > version) high = mid;
    else low = mid + 1;
  }
  return low < versions.length ? low : -1;
}

/** The snapshot's time and staleness limit, the default filled in. */
export function clockOf(fleet: Pick<FleetSnapshot, 'nowMs' | 'staleAfterMs'>): Clock {
  const staleAfterMs = fleet.staleAfterMs > 0 ? fleet.staleAfterMs : DEFAULT_STALE_AFTER_MS;
  return { nowMs: fleet.nowMs, staleAfterMs };
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function add(figures: Float64Array, index: number, amount: Resources, sign: 1 | -1): void {
  figures[index * 3 + CPU] = (figures[index * 3 + CPU] ?? 0) + sign * amount.cpuMillis;
  figures[index * 3 + MEMORY] = (figures[index * 3 + MEMORY] ?? 0) + sign * amount.memoryBytes;
  figures[index * 3 + DISK] = (figures[index * 3 + DISK] ?? 0) + sign * amount.diskBytes;
}
