// The edge agent's membership in the fleet: role edge, the node's measured resources, and never
// a container or a service.
import { measureNode, nodeArch, nodeOs } from '@mcp/membership';
import { NodeRole, type NodeInfo, type NodeUsage } from '@mcp/proto';

import type { EdgeConfig } from './config.js';
import { EDGE_RPCS } from './server.js';

/** What the edge agent reports when it registers; capacity is measured now. */
export function edgeNodeInfo(config: EdgeConfig, version: string, agentAddress: string): NodeInfo {
  return {
    name: config.name,
    roles: [NodeRole.NODE_ROLE_EDGE],
    address: config.address,
    agentAddress,
    arch: nodeArch(),
    os: nodeOs(),
    pools: config.pools,
    version,
    rpcs: EDGE_RPCS,
    capacity: measureNode({ diskPath: config.stateDir }).capacity,
    reserved: { cpuMillis: 0, memoryBytes: 0, diskBytes: 0 },
  };
}

/** What a heartbeat carries: free resources, no containers, no services. */
export function edgeUsage(config: EdgeConfig, now: () => number = Date.now): NodeUsage {
  return {
    free: measureNode({ diskPath: config.stateDir }).free,
    containers: 0,
    services: [],
    measuredAtMs: now(),
  };
}
