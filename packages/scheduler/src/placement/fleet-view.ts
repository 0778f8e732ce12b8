// A fleet snapshot indexed once for any number of placements: nodes sorted by name (so the
// answer does not depend on the order agents registered in), looked up by name, the pools the
// agents declared, the placements by service, and every node's figures in flat arrays of
// numbers. Placement reads the figures of every node for every decision; flat arrays keep that
// read cheap and its cost predictable.
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

/** The indexed fleet. Figures and placements change as a batch places services. */
export class FleetView {
  /** Every node, sorted by name in code-unit order; a node's index is its place here. */
  readonly nodes: readonly NodeView[];
  /** Node index by name. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Every pool name some node declares. */
  readonly pools: ReadonlySet<string>;
  /** The architectures of the fleet, each once. */
  readonly arches: readonly string[];
  /** Per node: its architecture as an index into `arches`. */
  readonly archOf: readonly number[];
  /** Per node: true when a reason rejects it for any service. */
  readonly blocked: readonly boolean[];
  /** Per node and resource (index * 3 + resource): capacity less reservations. */
  readonly alloc: readonly number[];
  /** Per node and resource: sum of the requests placed. */
  private readonly used: number[];
  /** Per node and resource: measured free, lowered by placements since; Infinity if unknown. */
  private readonly free: number[];
  /** Commits so far; a decision taken now reads the fleet at this version. */
  version = 0;
  /** Per service, its request on each node it is placed on, by node index. */
  private readonly placements = new Map<string, Map<number, Resources>>();
  /** Per node, its used and free figures before each commit to it, to read past versions. */
  private readonly undo = new Map<number, UndoLog>();
  /** Pool membership by pool name, built on first use. */
  private readonly members = new Map<string, readonly boolean[]>();

  /** @throws DuplicateNodeError when two nodes share a name. */
  constructor(fleet: FleetSnapshot) {
    const clock = clockOf(fleet);
    const snapshots = [...fleet.nodes].sort((a, b) => byName(a.name, b.name));
    const indexOf = new Map<string, number>();
    const pools = new Set<string>();
    const arches: string[] = [];
    const archOf: number[] = [];
    const blocked: boolean[] = [];
    const alloc: number[] = [];
    const used: number[] = [];
    const free: number[] = [];

    // Arrays grown by push stay packed, so reading them needs no hole checks.
    const nodes = snapshots.map((snapshot, i) => {
      if (indexOf.has(snapshot.name)) throw new DuplicateNodeError(snapshot.name);
      indexOf.set(snapshot.name, i);
      for (const pool of snapshot.pools) pools.add(pool);

      const node = new NodeView(snapshot, clock);
      if (!arches.includes(node.arch)) arches.push(node.arch);
      archOf.push(arches.indexOf(node.arch));
      blocked.push(node.staticReasons.length > 0);

      const { capacity, reserved } = snapshot;
      alloc.push(
        (capacity?.cpuMillis ?? 0) - (reserved?.cpuMillis ?? 0),
        (capacity?.memoryBytes ?? 0) - (reserved?.memoryBytes ?? 0),
        (capacity?.diskBytes ?? 0) - (reserved?.diskBytes ?? 0),
      );
      // CPU is shared, not held: a busy node still runs what it was promised, so measured free
      // CPU (from the load average) does not limit placement; requests against capacity do.
      free.push(
        Infinity,
        snapshot.free ? snapshot.free.memoryBytes : Infinity,
        snapshot.free ? snapshot.free.diskBytes : Infinity,
      );
      let placed = emptyResources();
      for (const p of snapshot.placements) {
        placed = addResources(placed, p.resources);
        const own = this.placementsOf(p.service, true);
        own.set(i, addResources(own.get(i), p.resources));
      }
      used.push(placed.cpuMillis, placed.memoryBytes, placed.diskBytes);
      return node;
    });

    this.nodes = nodes;
    this.indexOf = indexOf;
    this.pools = pools;
    this.arches = arches;
    this.archOf = archOf;
    this.blocked = blocked;
    this.alloc = alloc;
    this.used = used;
    this.free = free;
  }

  /** A service's request on each node it is placed on, by node index, if any. */
  placementsOf(service: string): ReadonlyMap<number, Resources> | undefined;
  placementsOf(service: string, create: true): Map<number, Resources>;
  placementsOf(service: string, create = false): Map<number, Resources> | undefined {
    let own = this.placements.get(service);
    if (!own && create) this.placements.set(service, (own = new Map()));
    return own;
  }

  /** Per node, whether it is in a pool. */
  membersOf(pool: string): readonly boolean[] {
    const known = this.members.get(pool);
    if (known) return known;

    const members = this.nodes.map((node) => node.pools.includes(pool));
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
    this.version++;
    let log = this.undo.get(index);
    if (!log) this.undo.set(index, (log = { versions: [], used: [], free: [] }));
    log.versions.push(this.version);

    const own = this.placementsOf(service, true);
    const prior = own.get(index) ?? emptyResources();
    const change = [
      request.cpuMillis - prior.cpuMillis,
      request.memoryBytes - prior.memoryBytes,
      request.diskBytes - prior.diskBytes,
    ];
    for (const r of [CPU, MEMORY, DISK]) {
      const at = index * 3 + r;
      const used = this.used[at] ?? 0;
      const free = this.free[at] ?? 0;
      log.used.push(used);
      log.free.push(free);
      this.used[at] = used + (change[r] ?? 0);
      this.free[at] = Math.max(0, free - (change[r] ?? 0));
    }
    own.set(index, request);
  }
}

/** A node's figures before each commit to it: the version, then three used and three free. */
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
