// Builders of fleet snapshots and service specs for the scheduler's tests.
import { NodeRole, NodeSnapshot, ServiceSpec, type FleetSnapshot } from '@mcp/proto';

import { SchedulerError } from '../errors.js';

export const Mi = 2 ** 20;
export const Gi = 2 ** 30;
/** The time every test fleet is looked at. */
export const NOW = 1_750_000_000_000;

/** What a test may set of a node: any field, nested ones in part. */
type NodeFields = NonNullable<Parameters<typeof NodeSnapshot.fromPartial>[0]>;

/** A healthy amd64 compute node with 4 cores, 8Gi and 100Gi that reported a second ago. */
export function node(name: string, over: NodeFields = {}): NodeSnapshot {
  return NodeSnapshot.fromPartial({
    name,
    roles: [NodeRole.NODE_ROLE_COMPUTE],
    arch: 'amd64',
    healthy: true,
    lastHeartbeatMs: NOW - 1000,
    capacity: { cpuMillis: 4000, memoryBytes: 8 * Gi, diskBytes: 100 * Gi },
    ...over,
  });
}

/** A service `web` of one component `web` asking 250m and 256Mi, unless told otherwise. */
export function spec(over: Partial<ServiceSpec> = {}, component: object = {}): ServiceSpec {
  return ServiceSpec.fromPartial({
    name: 'web',
    components: [
      {
        name: 'web',
        image: 'mcr.example:8443/web:v1',
        resources: { cpuMillis: 250, memoryBytes: 256 * Mi, diskBytes: 0 },
        ...component,
      },
    ],
    ...over,
  });
}

/** A snapshot of the nodes at NOW with the default staleness limit. */
export function fleet(nodes: NodeSnapshot[], over: Partial<FleetSnapshot> = {}): FleetSnapshot {
  return { nodes, nowMs: NOW, staleAfterMs: 0, ...over };
}

/** The SchedulerError a call throws; fails when it throws nothing or something else. */
export function catchError(run: () => unknown): SchedulerError {
  try {
    run();
  } catch (err) {
    if (err instanceof SchedulerError) return err;
    throw err;
  }
  throw new Error('expected a SchedulerError');
}
