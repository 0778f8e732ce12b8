// A node as placement sees it, apart from its figures and placements (see FleetView): its name,
// architecture and pools, and the reasons that reject it whatever the service (role, health,
// staleness, draining), worked out once so that thousands of decisions can reuse them.
import { NodeRole, type NodeSnapshot } from '@mcp/proto';

import { formatDuration } from './format.js';

/** Staleness limit when the snapshot gives 0: three heartbeat intervals of 10 s. */
export const DEFAULT_STALE_AFTER_MS = 30_000;

/** Architecture names agents may report, mapped to the names service definitions use. */
const ARCH_ALIASES: Readonly<Record<string, string>> = {
  x64: 'amd64',
  x86_64: 'amd64',
  aarch64: 'arm64',
};

/** The moment a decision is taken at, and how old a heartbeat may be. */
export interface Clock {
  readonly nowMs: number;
  readonly staleAfterMs: number;
}

/** The resources placement counts, as indexes into a node's figures. */
export const CPU = 0;
export const MEMORY = 1;
export const DISK = 2;
export type Resource = typeof CPU | typeof MEMORY | typeof DISK;

/** What placement keeps of one node of a snapshot, apart from its figures. */
export class NodeView {
  readonly name: string;
  /** Architecture in the names service definitions use; empty when not reported. */
  readonly arch: string;
  /** The start of an architecture reason: `hyperborea: arch arm64`. */
  readonly archText: string;
  readonly pools: readonly string[];
  /** Reasons that reject this node for any service, each prefixed with the node name. */
  readonly staticReasons: readonly string[];

  constructor(node: NodeSnapshot, clock: Clock) {
    this.name = node.name;
    this.arch = normalizeArch(node.arch);
    this.archText = `${node.name}: ${this.arch === '' ? 'arch not reported' : `arch ${this.arch}`}`;
    this.pools = [...node.pools];
    this.staticReasons = staticReasons(node, clock).map((r) => `${node.name}: ${r}`);
  }
}

/** Maps an architecture name an agent reports (`x64`, `aarch64`, ...) to `amd64` or `arm64`. */
export function normalizeArch(arch: string): string {
  const lower = arch.trim().toLowerCase();
  return ARCH_ALIASES[lower] ?? lower;
}

/** The reasons, without the node name, that no service may be placed on a node right now. */
function staticReasons(node: NodeSnapshot, clock: Clock): string[] {
  const reasons: string[] = [];
  if (node.name === '') reasons.push('node has no name');

  // Role: an edge node never runs containers; a control node only when it also computes.
  if (node.roles.includes(NodeRole.NODE_ROLE_EDGE)) {
    reasons.push('edge node, runs no containers');
  } else if (!node.roles.includes(NodeRole.NODE_ROLE_COMPUTE)) {
    const control = node.roles.includes(NodeRole.NODE_ROLE_CONTROL);
    reasons.push(control ? 'control node without the compute role' : 'no compute role');
  }

  if (!node.healthy) reasons.push('unhealthy');

  // Staleness: a clock running behind the node's (negative age) counts as fresh.
  const age = clock.nowMs - node.lastHeartbeatMs;
  if (node.lastHeartbeatMs <= 0) {
    reasons.push('no heartbeat yet');
  } else if (age > clock.staleAfterMs) {
    const limit = formatDuration(clock.staleAfterMs);
    reasons.push(`last heartbeat ${formatDuration(age)} ago, stale after ${limit}`);
  }

  if (node.draining) reasons.push('draining');
  return reasons;
}
