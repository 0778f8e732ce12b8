// FleetService, the agents' side of the master: Register stores what a node says about itself,
// Heartbeat keeps its usage and liveness current. Both answer with the heartbeat interval.
import { NodeHealth, NodeRole, type FleetServiceImplementation } from '@mcp/proto';
import type { Logger } from 'pino';

import { toServerError } from './errors.js';
import type { NodeRegistry } from './registry.js';
import { requireNodeName, validateNodeInfo } from './validate.js';

/** Options of the FleetService implementation. */
export interface FleetServiceOptions {
  /** Heartbeat interval told to agents, in milliseconds. */
  intervalMs: number;
  log: Logger;
  /**
   * Called after a node registered and after each heartbeat of a known node (synchronously, on
   * the hot path: keep it cheap, e.g. a map lookup; slow work goes to the background).
   */
  onNode?: (node: string, registered: boolean) => void;
}

export function fleetService(
  registry: NodeRegistry,
  options: FleetServiceOptions,
): FleetServiceImplementation {
  const { intervalMs, log, onNode } = options;

  return {
    register(req) {
      try {
        const info = validateNodeInfo(req.node);
        const { previous } = registry.register(info, req.usage);
        const fields = {
          node: info.name,
          agentAddress: info.agentAddress,
          roles: info.roles.map((r) => NodeRole[r]),
          version: info.version,
        };
        if (!previous) log.info(fields, 'node registered');
        else if (previous.agentAddress !== info.agentAddress) {
          log.info({ ...fields, previousAgentAddress: previous.agentAddress }, 'node moved');
        } else log.info(fields, 'node registered again');
        onNode?.(info.name, true);
        return Promise.resolve({ heartbeatIntervalMs: intervalMs });
      } catch (err) {
        return Promise.reject(toServerError(err));
      }
    },

    // The hot path (500 calls a second for 5,000 nodes): synchronous, logs only on a change.
    heartbeat(req) {
      try {
        const node = requireNodeName(req.node, 'node');
        const before = registry.heartbeat(node, req.usage);
        if (before === undefined) {
          log.info({ node }, 'heartbeat from an unknown node, asked to register again');
          return Promise.resolve({ registerAgain: true, heartbeatIntervalMs: intervalMs });
        }
        if (before === NodeHealth.NODE_HEALTH_UNHEALTHY) {
          log.info({ node }, 'node healthy again');
        }
        onNode?.(node, false);
        return Promise.resolve({ registerAgain: false, heartbeatIntervalMs: intervalMs });
      } catch (err) {
        return Promise.reject(toServerError(err));
      }
    },
  };
}
