// The fleet the test master reports: nodes as ListNodes sends them, and the same nodes as the
// scheduler's snapshot, so a dry run gets a real placement with a real explanation.
import {
  NodeHealth,
  NodeRole,
  NodeStatus,
  type FleetSnapshot,
  type NodeSnapshot,
} from '@mcp/proto';

const GI = 2 ** 30;

/** How long ago a healthy node's last heartbeat was. */
export const HEARTBEAT_AGE_MS = 3_000;

/** How long ago the unhealthy node's last heartbeat was: 2m5s. */
export const SILENT_AGE_MS = 125_000;

/**
 * Two amd64 compute nodes (orion nearly full), an arm64 Raspberry Pi in pool `pi` that stopped
 * answering, and the edge node. `lastSeenMs` is filled in per request from HEARTBEAT_AGE_MS.
 */
export function testNodes(): NodeStatus[] {
  const compute = [NodeRole.NODE_ROLE_COMPUTE];
  const node = (
    name: string,
    arch: string,
    os: string,
    cpuFree: number,
    memoryFree: number,
    more: Partial<NodeStatus> = {},
    roles = compute,
    pools: string[] = [],
  ): NodeStatus =>
    NodeStatus.fromPartial({
      info: {
        name,
        roles,
        address: `127.0.0.${name.length}`,
        agentAddress: `127.0.0.${name.length}:9444`,
        arch,
        os,
        pools,
        version: 'v0.3.0',
        capacity: { cpuMillis: 4000, memoryBytes: 8 * GI, diskBytes: 100 * GI },
      },
      usage: {
        free: { cpuMillis: cpuFree, memoryBytes: memoryFree, diskBytes: 60 * GI },
        containers: 2,
      },
      health: NodeHealth.NODE_HEALTH_HEALTHY,
      ...more,
    });

  return [
    node('rift', 'amd64', 'nixos', 3500, 6 * GI),
    node('orion', 'amd64', 'nixos', 100, GI / 4),
    node(
      'hyperborea',
      'arm64',
      'debian',
      2000,
      2 * GI,
      {
        health: NodeHealth.NODE_HEALTH_UNHEALTHY,
        healthError: "failed to probe node 'hyperborea': deadline exceeded after 5 s",
      },
      compute,
      ['pi'],
    ),
    node('svc', 'amd64', 'debian', 1000, GI, {}, [NodeRole.NODE_ROLE_EDGE]),
  ];
}

/** The nodes as the scheduler reads them at `now`. */
export function snapshotOf(nodes: NodeStatus[], now: number): FleetSnapshot {
  return {
    nowMs: now,
    staleAfterMs: 0,
    nodes: nodes.map((n): NodeSnapshot => ({
      name: n.info?.name ?? '',
      roles: n.info?.roles ?? [],
      arch: n.info?.arch ?? '',
      os: n.info?.os ?? '',
      pools: n.info?.pools ?? [],
      address: n.info?.address ?? '',
      healthy: n.health === NodeHealth.NODE_HEALTH_HEALTHY,
      draining: n.draining,
      lastHeartbeatMs: n.lastSeenMs,
      capacity: n.info?.capacity,
      free: n.usage?.free,
      reserved: n.info?.reserved,
      placements: [],
    })),
  };
}

/** The nodes with their last heartbeat HEARTBEAT_AGE_MS (SILENT_AGE_MS if unhealthy) ago. */
export function seenAt(nodes: NodeStatus[], now: number): NodeStatus[] {
  return nodes.map((n) => {
    const healthy = n.health === NodeHealth.NODE_HEALTH_HEALTHY;
    return { ...n, lastSeenMs: now - (healthy ? HEARTBEAT_AGE_MS : SILENT_AGE_MS) };
  });
}
