// The three placement modes, from the service's `node` field: a node name means exactly that
// node, a pool name means any node of that pool, nothing means any node of the fleet.
import { PlacementMode, type ServiceSpec } from '@mcp/proto';

import { AmbiguousTargetError, UnknownTargetError } from '../errors.js';
import type { FleetView } from './fleet-view.js';
import type { NodeView } from './node-view.js';

/** How a service's `node` field reads against one fleet. */
export interface Target {
  readonly mode: PlacementMode;
  /** The node or pool name; empty in PLACEMENT_MODE_ANY. */
  readonly name: string;
}

/**
 * Reads the placement mode of a service.
 * @throws AmbiguousTargetError when the name is both a node and a pool.
 * @throws UnknownTargetError when it is neither.
 */
export function resolveTarget(spec: ServiceSpec, fleet: FleetView): Target {
  const name = spec.node;
  if (name === '') return { mode: PlacementMode.PLACEMENT_MODE_ANY, name };

  const isNode = fleet.indexOf.has(name);
  const isPool = fleet.pools.has(name);
  if (isNode && isPool) throw new AmbiguousTargetError(spec.name, name);
  if (isNode) return { mode: PlacementMode.PLACEMENT_MODE_NODE, name };
  if (isPool) return { mode: PlacementMode.PLACEMENT_MODE_POOL, name };
  throw new UnknownTargetError(spec.name, name);
}

/** Whether a node is within the target: the node itself, a node of the pool, or any node. */
export function inTarget(node: NodeView, target: Target): boolean {
  switch (target.mode) {
    case PlacementMode.PLACEMENT_MODE_NODE:
      return node.name === target.name;
    case PlacementMode.PLACEMENT_MODE_POOL:
      return node.pools.includes(target.name);
    default:
      return true;
  }
}

/** Why a node is outside the target, for the explanation. */
export function outsideReason(node: string, target: Target): string {
  return target.mode === PlacementMode.PLACEMENT_MODE_NODE
    ? `${node}: not the target node '${target.name}'`
    : `${node}: not in pool '${target.name}'`;
}
