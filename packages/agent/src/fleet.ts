// The agent's membership in the fleet: what it tells the master about itself when registering,
// and what each heartbeat measures.
import { measureNode, startMembership, type Membership } from '@mcp/membership';
import { NodeRole, type NodeInfo, type NodeUsage } from '@mcp/proto';
import { serviceResources } from '@mcp/scheduler';
import type { Security } from '@mcp/security';
import type { Logger } from 'pino';

import type { Agent } from './agent.js';
import type { AgentConfig, AgentRole } from './config.js';
import { IMPLEMENTED_RPCS } from './server.js';

/** The node roles an agent config may declare, as the contract names them. */
export const ROLES: Record<AgentRole, NodeRole> = {
  compute: NodeRole.NODE_ROLE_COMPUTE,
  control: NodeRole.NODE_ROLE_CONTROL,
};

/** What the agent reports when it registers; capacity is measured (or overridden) now. */
export function nodeInfo(config: AgentConfig, version: string, agentAddress: string): NodeInfo {
  const { capacity } = measureNode({
    diskPath: config.stateDir,
    capacityOverride: config.capacity,
  });

  return {
    name: config.name,
    roles: config.roles.map((r) => ROLES[r]),
    address: config.address,
    agentAddress,
    arch: config.arch,
    os: config.os,
    pools: config.pools,
    version,
    rpcs: IMPLEMENTED_RPCS,
    capacity,
    reserved: config.reserved,
  };
}

/**
 * What a heartbeat carries: free resources, the containers the agent owns, and every service in
 * its registry (stopped ones too: they keep their ports and start again) with its request.
 * Throws when the runtime does not answer; the heartbeat then goes without usage.
 */
export async function nodeUsage(
  agent: Pick<Agent, 'config' | 'runtime' | 'store'>,
  now: () => number = Date.now,
): Promise<NodeUsage> {
  const { free } = measureNode({
    diskPath: agent.config.stateDir,
    capacityOverride: agent.config.capacity,
  });
  const owned = await agent.runtime.listOwned();

  return {
    free,
    containers: owned.length,
    services: agent.store
      .list()
      .map((s) => ({ service: s.row.name, resources: serviceResources(s.spec) })),
    measuredAtMs: now(),
  };
}

/**
 * Registers with the master and heartbeats until stopped, over TLS (`security.channel`) with the
 * agent's own token (`security.token`, `agent-<node>`); undefined when the config names no
 * master (the agent runs standalone).
 */
export function joinFleet(
  agent: Agent,
  version: string,
  agentAddress: string,
  security: Pick<Security, 'channel' | 'token'>,
  log: Logger,
): Membership | undefined {
  const { config } = agent;
  if (!config.master) return undefined;

  return startMembership({
    masterAddress: config.master,
    credentials: security.channel,
    token: security.token,
    node: nodeInfo(config, version, agentAddress),
    usage: () => nodeUsage(agent),
    intervalMs: config.heartbeatIntervalMs,
    log,
  });
}

/** `listen` with its port replaced by the one bound (they differ when `listen` asks for 0). */
export function boundAddress(listen: string, port: number): string {
  return listen.replace(/:\d+$/, `:${port}`);
}
