// The agent's own check before it starts containers: the scheduler's admission, on a snapshot of
// this node alone (its capacity and measured free, reservations, and what its registry holds).
import { measureNode } from '@mcp/membership';
import type { NodeSnapshot, ServiceSpec } from '@mcp/proto';
import { admit, assertAdmitted, serviceResources } from '@mcp/scheduler';

import type { Agent } from './agent.js';
import { ROLES } from './fleet.js';

/** This node as the scheduler sees it, measured now. */
export function localSnapshot(agent: Pick<Agent, 'config' | 'store'>, nowMs: number): NodeSnapshot {
  const { config } = agent;
  const { capacity, free } = measureNode({
    diskPath: config.stateDir,
    capacityOverride: config.capacity,
  });
  return {
    name: config.name,
    roles: config.roles.map((r) => ROLES[r]),
    arch: config.arch,
    os: config.os,
    pools: config.pools,
    address: config.address,
    healthy: true,
    draining: false,
    lastHeartbeatMs: nowMs,
    capacity,
    free,
    reserved: config.reserved,
    placements: agent.store
      .list()
      .map((s) => ({ service: s.row.name, resources: serviceResources(s.spec) })),
  };
}

/**
 * Refuses, with the scheduler's reasons, a service this node cannot take: the same code the
 * master placed it with, re-run on what the node measures now. Which node a service goes to is
 * the master's decision (or the operator's, with `mcp --direct -n`), so the definition's target
 * is not checked here: role, architecture and room are.
 * @throws NotAdmittedError
 */
export function checkAdmission(agent: Pick<Agent, 'config' | 'store'>, spec: ServiceSpec): void {
  const nowMs = Date.now();
  const anywhere = { ...spec, node: '' };
  assertAdmitted(spec, admit(anywhere, localSnapshot(agent, nowMs), { nowMs, staleAfterMs: 0 }));
}
