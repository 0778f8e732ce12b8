// Admission: before it starts containers, an agent checks the service against its own node
// with the same filters the master placed it with, since the node may have changed since.
import {
  PlacementStrategy,
  type FleetSnapshot,
  type NodeEvaluation,
  type NodeSnapshot,
  type ServiceSpec,
} from '@mcp/proto';

import { NotAdmittedError } from './errors.js';
import { demandOf, explain, roomOf } from './placement/evaluate.js';
import { FleetView } from './placement/fleet-view.js';

/**
 * Checks whether a node may run a service now: the service must target this node, one of its
 * pools or any node, and the node must pass every placement filter. The score parts are those
 * of the spread strategy.
 * @param at the time of the check and the staleness limit (0 for the default), as in a fleet
 *   snapshot; an agent checking itself passes its own clock and last heartbeat.
 */
export function admit(
  spec: ServiceSpec,
  node: NodeSnapshot,
  at: Pick<FleetSnapshot, 'nowMs' | 'staleAfterMs'>,
): NodeEvaluation {
  const view = new FleetView({ nodes: [node], nowMs: at.nowMs, staleAfterMs: at.staleAfterMs });
  const room = roomOf(view, 0, view.placementsOf(spec.name)?.get(0));
  const spread = PlacementStrategy.PLACEMENT_STRATEGY_SPREAD;
  const evaluation = explain(view, 0, demandOf(spec), room, spread);

  // Target: the agent cannot tell another node's name from a pool it is not in.
  const targeted = spec.node === '' || spec.node === node.name || node.pools.includes(spec.node);
  if (targeted) return evaluation;
  const outside = `${node.name}: service targets '${spec.node}', not this node or its pools`;
  const reasons = [outside, ...evaluation.reasons];
  return { ...evaluation, feasible: false, reasons, scoreParts: [], score: 0 };
}

/**
 * Throws unless an evaluation admitted the service.
 * @throws NotAdmittedError carrying the evaluation and its reasons.
 */
export function assertAdmitted(spec: ServiceSpec, evaluation: NodeEvaluation): void {
  if (!evaluation.feasible) throw new NotAdmittedError(spec.name, evaluation);
}
