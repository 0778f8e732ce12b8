// Placement: a fleet snapshot and a service go in, a chosen node and the record of every
// filter decision and score part come out. Like a plan, nothing is changed: the caller acts.
import {
  PlacementMode,
  PlacementStrategy,
  type FleetSnapshot,
  type PlacementResult,
  type Resources,
  type ServiceSpec,
} from '@mcp/proto';

import { NoFeasibleNodeError } from '../errors.js';
import { demandOf, explain, fits, roomOf, runsOn, score, share, type Demand } from './evaluate.js';
import { explainedLater } from './explanation.js';
import { FleetView } from './fleet-view.js';
import { CPU, DISK, MEMORY } from './node-view.js';
import { inTarget, outsideReason, resolveTarget, type Target } from './target.js';

/** Options of `place` and `placeEach`. */
export interface PlaceOptions {
  /** How feasible nodes are ranked. Default: PLACEMENT_STRATEGY_SPREAD. */
  readonly strategy?: PlacementStrategy;
}

/**
 * Chooses a node for a service. `node` is empty in the result when nothing fits; the
 * explanation says why for every node of the snapshot, sorted by node name.
 * @throws AmbiguousTargetError, UnknownTargetError for a `node` field the fleet cannot read.
 * @throws DuplicateNodeError for a snapshot with two nodes of one name.
 */
export function place(
  spec: ServiceSpec,
  fleet: FleetSnapshot,
  options: PlaceOptions = {},
): PlacementResult {
  return placeIn(new FleetView(fleet), spec, strategyOf(options));
}

/**
 * Places services one after another on one snapshot, counting each placement against its node
 * before the next, as `place` would after `withPlacement`. The snapshot is indexed once, so a
 * batch costs one pass over the nodes per service. Results come lazily, one per service.
 * @throws like `place`; the first error ends the batch.
 */
export function* placeEach(
  specs: Iterable<ServiceSpec>,
  fleet: FleetSnapshot,
  options: PlaceOptions = {},
): Generator<PlacementResult, void, undefined> {
  const view = new FleetView(fleet);
  const strategy = strategyOf(options);

  for (const spec of specs) {
    const result = placeIn(view, spec, strategy);
    const chosen = view.indexOf.get(result.node);
    if (result.node !== '' && chosen !== undefined && result.requested) {
      view.commit(chosen, spec.name, result.requested);
    }
    yield result;
  }
}

/**
 * The chosen node of a result.
 * @throws NoFeasibleNodeError, carrying the result, when nothing fits.
 */
export function assertPlaced(result: PlacementResult): string {
  if (result.node !== '') return result.node;

  // Nodes outside the target are in the explanation, but their reason says nothing new.
  const target = { mode: result.mode, name: result.target };
  const reasons = result.explanation.flatMap((e) =>
    e.reasons.length === 1 && e.reasons[0] === outsideReason(e.node, target) ? [] : e.reasons,
  );
  throw new NoFeasibleNodeError(result, reasons);
}

function placeIn(view: FleetView, spec: ServiceSpec, strategy: PlacementStrategy): PlacementResult {
  const target = resolveTarget(spec, view);
  const demand = demandOf(spec);
  // Copied, since a later placement of the same service in a batch changes the fleet's map.
  const placed = view.placementsOf(demand.service);
  const owned = placed && new Map(placed);
  const version = view.version;
  const best = choose(view, target, demand, owned, strategy);

  const result = {
    service: spec.name,
    node: view.nodes[best]?.name ?? '',
    mode: target.mode,
    target: target.name,
    strategy,
    requested: demand.request,
  };

  // The record is written from the fleet as it was at this decision, whenever it is read.
  return explainedLater(result, () =>
    view.nodes.map((node, i) => {
      if (!inTarget(node, target)) {
        const reasons = [outsideReason(node.name, target)];
        return { node: node.name, feasible: false, reasons, scoreParts: [], score: 0 };
      }
      return explain(view, i, demand, roomOf(view, i, owned?.get(i), version), strategy);
    }),
  );
}

/**
 * The index of the best feasible node within the target, or -1. The loop runs once per node
 * per decision, so it reads the fleet's flat arrays and allocates nothing; `explain` repeats
 * its tests for the record, with the same functions.
 */
function choose(
  view: FleetView,
  target: Target,
  demand: Demand,
  owned: ReadonlyMap<number, Resources> | undefined,
  strategy: PlacementStrategy,
): number {
  const { request } = demand;
  const binpack = strategy === PlacementStrategy.PLACEMENT_STRATEGY_BINPACK;
  const runs = view.arches.map((arch) => runsOn(demand, arch));

  // Target: one node, the nodes of a pool, or all.
  let from = 0;
  let to = view.nodes.length;
  let members: readonly boolean[] | undefined;
  if (target.mode === PlacementMode.PLACEMENT_MODE_NODE) {
    from = view.indexOf.get(target.name) ?? 0;
    to = from + 1;
  } else if (target.mode === PlacementMode.PLACEMENT_MODE_POOL) {
    members = view.membersOf(target.name);
  }

  // Nodes are sorted by name, so keeping the first of equal scores breaks ties by name.
  let best = -1;
  let bestScore = -Infinity;
  for (let i = from; i < to; i++) {
    if (members !== undefined && !members[i]) continue;
    if (view.blocked[i] || !runs[view.archOf[i] ?? 0]) continue;

    const own = owned?.get(i);
    const cpu = view.room(i, CPU, own?.cpuMillis ?? 0);
    const memory = view.room(i, MEMORY, own?.memoryBytes ?? 0);
    const disk = view.room(i, DISK, own?.diskBytes ?? 0);
    if (!fits(request, cpu, memory, disk)) continue;

    const alloc = view.alloc;
    const value = score(
      share(cpu - request.cpuMillis, alloc[i * 3 + CPU] ?? 0, binpack),
      share(memory - request.memoryBytes, alloc[i * 3 + MEMORY] ?? 0, binpack),
      request.diskBytes > 0
        ? share(disk - request.diskBytes, alloc[i * 3 + DISK] ?? 0, binpack)
        : undefined,
    );
    if (value > bestScore) {
      best = i;
      bestScore = value;
    }
  }
  return best;
}

function strategyOf(options: PlaceOptions): PlacementStrategy {
  return options.strategy === PlacementStrategy.PLACEMENT_STRATEGY_BINPACK
    ? PlacementStrategy.PLACEMENT_STRATEGY_BINPACK
    : PlacementStrategy.PLACEMENT_STRATEGY_SPREAD;
}
