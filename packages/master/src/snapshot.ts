// The fleet as one placement decision sees it: the registry turned into the scheduler's
// FleetSnapshot, with the placements the master made since the last heartbeats counted.
import { NodeHealth, type FleetSnapshot, type NodePlacement, type NodeSnapshot } from '@mcp/proto';
import { withPlacement } from '@mcp/scheduler';

import type { NodeRecord, NodeRegistry } from './registry.js';

/**
 * A snapshot of every registered node at `nowMs`. A node is healthy unless a probe failed; a
 * node silent for `staleAfterMs` is stale to the scheduler whatever its health.
 */
export function fleetSnapshot(
  registry: NodeRegistry,
  nowMs: number,
  staleAfterMs: number,
): FleetSnapshot {
  const nodes: NodeSnapshot[] = [];
  for (const record of registry.records()) nodes.push(nodeSnapshot(record, nowMs, staleAfterMs));
  return { nodes, nowMs, staleAfterMs };
}

function nodeSnapshot(record: NodeRecord, nowMs: number, staleAfterMs: number): NodeSnapshot {
  const { info, usage, pending } = record;

  // Removals the master made leave at once; additions go through the scheduler's own rule.
  const placements = usage.services.filter((p) => {
    const own = pending.get(p.service);
    return !own || own.resources !== undefined;
  });
  let node: NodeSnapshot = {
    name: info.name,
    roles: info.roles,
    arch: info.arch,
    os: info.os,
    pools: info.pools,
    address: info.address,
    healthy: record.health !== NodeHealth.NODE_HEALTH_UNHEALTHY,
    draining: false,
    lastHeartbeatMs: record.lastSeenMs,
    capacity: info.capacity,
    free: usage.free,
    reserved: info.reserved,
    placements,
  };

  for (const [service, p] of pending) {
    if (!p.resources) continue;
    const placement: NodePlacement = { service, resources: p.resources };
    const one = withPlacement({ nodes: [node], nowMs, staleAfterMs }, node.name, placement);
    node = one.nodes[0] ?? node;
  }
  return node;
}
