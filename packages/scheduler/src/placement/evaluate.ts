// Filter and rank one node for one service. The filters that depend on the service are here
// (architecture, then CPU, memory and disk fit); the ones that do not were settled when the
// fleet was indexed. `place` runs the same tests in its loop over the fleet; `explain` writes
// the record of them for one node, every failing filter as a reason, so an operator sees all.
import {
  PlacementStrategy,
  type NodeEvaluation,
  type Resources,
  type ScorePart,
  type ServiceSpec,
} from '@mcp/proto';

import { serviceResources } from '../resources.js';
import { formatCpu, formatSize } from '../spec/quantity.js';
import type { FleetView } from './fleet-view.js';
import { CPU, DISK, MEMORY, normalizeArch } from './node-view.js';

/** A component that runs only on some architectures. */
interface ArchRule {
  readonly allowed: readonly string[];
  /** The end of a rejection reason: `, component 'web' runs on amd64 only`. */
  readonly text: string;
}

/** What a service asks of a node, worked out once per placement. */
export interface Demand {
  readonly service: string;
  /** Whole-service request, defaults applied. */
  readonly request: Resources;
  readonly archRules: readonly ArchRule[];
  /** The request as reasons print it: `: cpu 250m requested, `. */
  readonly cpuText: string;
  readonly memoryText: string;
  readonly diskText: string;
}

/** Room a service has on a node: what it may use of each resource. */
export interface Room {
  readonly cpu: number;
  readonly memory: number;
  readonly disk: number;
}

/** Names of the score parts, by strategy. */
const PARTS = {
  spread: { cpu: 'cpu_free', memory: 'memory_free', disk: 'disk_free' },
  binpack: { cpu: 'cpu_used', memory: 'memory_used', disk: 'disk_used' },
} as const;

/** Reads a service's demand from its spec. */
export function demandOf(spec: ServiceSpec): Demand {
  const request = serviceResources(spec);
  const archRules = spec.components
    .filter((c) => c.arch.length > 0)
    .map((c) => {
      const allowed = c.arch.map(normalizeArch);
      return { allowed, text: `, component '${c.name}' runs on ${allowed.join(', ')} only` };
    });

  return {
    service: spec.name,
    request,
    archRules,
    cpuText: `: cpu ${formatCpu(request.cpuMillis)} requested, `,
    memoryText: `: memory ${formatSize(request.memoryBytes)} requested, `,
    diskText: `: disk ${formatSize(request.diskBytes)} requested, `,
  };
}

/** The room a service has on a node at a version of the fleet, its own placement counted free. */
export function roomOf(
  fleet: FleetView,
  index: number,
  own: Resources | undefined,
  version?: number,
): Room {
  return {
    cpu: fleet.roomAt(index, CPU, own?.cpuMillis ?? 0, version),
    memory: fleet.roomAt(index, MEMORY, own?.memoryBytes ?? 0, version),
    disk: fleet.roomAt(index, DISK, own?.diskBytes ?? 0, version),
  };
}

/** Whether every component of a demand runs on an architecture; an unknown one runs nothing. */
export function runsOn(demand: Demand, arch: string): boolean {
  return demand.archRules.every((rule) => arch !== '' && rule.allowed.includes(arch));
}

/** Whether a request fits the room. */
export function fits(request: Resources, cpu: number, memory: number, disk: number): boolean {
  return !(
    short(request.cpuMillis, cpu) ||
    short(request.memoryBytes, memory) ||
    short(request.diskBytes, disk)
  );
}

/**
 * Whether the room is short of an amount. Asking none of a resource never is, even on a node
 * already committed past its capacity of it (a service that needs no disk may go on a node
 * whose disk is full).
 */
function short(requested: number, room: number): boolean {
  return requested > 0 && requested > room;
}

/**
 * A resource's part of the score once the service is placed: its share free (spread) or used
 * (binpack), `left` being what remains of `alloc`.
 */
export function share(left: number, alloc: number, binpack: boolean): number {
  const free = alloc > 0 ? left / alloc : 0;
  return binpack ? 1 - free : free;
}

/**
 * The score of a feasible node, higher is better: the mean of its resources' shares. Disk
 * counts only for services that ask for it, so the others rank alike on nodes reporting none.
 */
export function score(cpu: number, memory: number, disk: number | undefined): number {
  return disk === undefined ? (cpu + memory) / 2 : (cpu + memory + disk) / 3;
}

/** The record of one node's filter decisions and score for one demand. */
export function explain(
  fleet: FleetView,
  index: number,
  demand: Demand,
  room: Room,
  strategy: PlacementStrategy,
): NodeEvaluation {
  const node = fleet.nodes[index];
  if (!node) throw new RangeError(`no node at index ${index}`);
  const { request } = demand;
  const reasons = node.staticReasons.slice();

  for (const rule of demand.archRules) {
    if (node.arch === '' || !rule.allowed.includes(node.arch)) {
      reasons.push(node.archText + rule.text);
    }
  }
  if (short(request.cpuMillis, room.cpu)) {
    reasons.push(`${node.name}${demand.cpuText}${free(room.cpu, formatCpu)} free`);
  }
  if (short(request.memoryBytes, room.memory)) {
    reasons.push(`${node.name}${demand.memoryText}${free(room.memory, formatSize)} free`);
  }
  if (short(request.diskBytes, room.disk)) {
    reasons.push(`${node.name}${demand.diskText}${free(room.disk, formatSize)} free`);
  }

  if (reasons.length > 0) {
    return { node: node.name, feasible: false, reasons, scoreParts: [], score: 0 };
  }

  const binpack = strategy === PlacementStrategy.PLACEMENT_STRATEGY_BINPACK;
  const names = binpack ? PARTS.binpack : PARTS.spread;
  const alloc = (resource: number): number => fleet.alloc[index * 3 + resource] ?? 0;
  const cpu = share(room.cpu - request.cpuMillis, alloc(CPU), binpack);
  const memory = share(room.memory - request.memoryBytes, alloc(MEMORY), binpack);
  const disk =
    request.diskBytes > 0 ? share(room.disk - request.diskBytes, alloc(DISK), binpack) : undefined;

  const scoreParts: ScorePart[] = [
    { name: names.cpu, value: cpu },
    { name: names.memory, value: memory },
  ];
  if (disk !== undefined) scoreParts.push({ name: names.disk, value: disk });
  return { node: node.name, feasible: true, reasons, scoreParts, score: score(cpu, memory, disk) };
}

/** An amount as a reason prints what is free of it; an overcommitted node has none. */
function free(amount: number, format: (amount: number) => string): string {
  return format(Math.max(0, amount));
}
