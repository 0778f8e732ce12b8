// Keeping a snapshot current between heartbeats: the master records each placement it makes,
// so that the next decision counts it before the node's agent reports it.
import type { FleetSnapshot, NodePlacement, NodeSnapshot, Resources } from '@mcp/proto';

import { UnknownNodeError } from '../errors.js';
import { addResources, emptyResources } from '../resources.js';

/**
 * A copy of the snapshot with a placement recorded on one node. An earlier placement of the same
 * service on that node is replaced (a redeploy in place). The node's measured free, when
 * reported, drops by the difference, floored at zero, until the next heartbeat measures it.
 * @throws UnknownNodeError when the snapshot has no such node.
 */
export function withPlacement(
  fleet: FleetSnapshot,
  node: string,
  placement: NodePlacement,
): FleetSnapshot {
  if (!fleet.nodes.some((n) => n.name === node)) {
    throw new UnknownNodeError(placement.service, node);
  }

  const nodes = fleet.nodes.map((n) => (n.name === node ? record(n, placement) : n));
  return { ...fleet, nodes };
}

function record(node: NodeSnapshot, placement: NodePlacement): NodeSnapshot {
  const own = node.placements.filter((p) => p.service === placement.service);
  const prior = own.reduce<Resources>((sum, p) => addResources(sum, p.resources), emptyResources());
  const request = placement.resources ?? emptyResources();
  const placements = node.placements.filter((p) => p.service !== placement.service);
  placements.push(placement);

  const free = node.free && {
    cpuMillis: lower(node.free.cpuMillis, request.cpuMillis - prior.cpuMillis),
    memoryBytes: lower(node.free.memoryBytes, request.memoryBytes - prior.memoryBytes),
    diskBytes: lower(node.free.diskBytes, request.diskBytes - prior.diskBytes),
  };
  return { ...node, placements, free };
}

function lower(free: number, by: number): number {
  return Math.max(0, free - by);
}
