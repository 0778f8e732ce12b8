// Placement decisions in words: the detail of a deploy's placement step, and the message listing
// every node's reasons when nothing fits (the CLI prints it as it is, one line per node).
import { PlacementMode, PlacementStrategy, type PlacementResult } from '@mcp/proto';

/** Score parts shown in a placement step, highest first. */
const PARTS_SHOWN = 3;

/** How the service's `node` field was read: `any node`, `node 'rift'`, `pool 'pi'`. */
export function targetText(mode: PlacementMode, target: string): string {
  switch (mode) {
    case PlacementMode.PLACEMENT_MODE_NODE:
      return `node '${target}'`;
    case PlacementMode.PLACEMENT_MODE_POOL:
      return `pool '${target}'`;
    default:
      return 'any node';
  }
}

/** Target text of a definition's `node` field; `isPool` tells a pool from a node. */
export function specTargetText(node: string, isPool: boolean): string {
  if (node === '') return 'any node';
  return isPool ? `pool '${node}'` : `node '${node}'`;
}

/**
 * Why the scheduler chose a node: the mode, the strategy, the score and its top parts, and how
 * many nodes were feasible.
 */
export function placementDetail(result: PlacementResult): string {
  const chosen = result.explanation.find((e) => e.node === result.node);
  const feasible = result.explanation.filter((e) => e.feasible).length;
  const strategy =
    result.strategy === PlacementStrategy.PLACEMENT_STRATEGY_BINPACK ? 'binpack' : 'spread';
  const parts = [...(chosen?.scoreParts ?? [])]
    .sort((a, b) => b.value - a.value)
    .slice(0, PARTS_SHOWN)
    .map((p) => `${p.name} ${p.value.toFixed(2)}`)
    .join(', ');

  return (
    `placed on '${result.node}' (${targetText(result.mode, result.target)}, ${strategy}): ` +
    `score ${(chosen?.score ?? 0).toFixed(2)} (${parts}); ` +
    `${feasible} of ${result.explanation.length} nodes feasible`
  );
}

/** The error text when nothing fits: a headline, then each node and its reasons on one line. */
export function noPlacementMessage(result: PlacementResult): string {
  const where =
    result.mode === PlacementMode.PLACEMENT_MODE_NODE
      ? `node '${result.target}' is not feasible`
      : result.mode === PlacementMode.PLACEMENT_MODE_POOL
        ? `no feasible node in pool '${result.target}'`
        : 'no feasible node in the fleet';
  const lines = result.explanation.map((e) => {
    const reasons = e.reasons.map((r) =>
      r.startsWith(`${e.node}: `) ? r.slice(e.node.length + 2) : r,
    );
    return `  ${e.node}: ${reasons.join('; ') || 'feasible'}`;
  });
  const nodes = lines.length > 0 ? lines.join('\n') : '  (no nodes registered)';
  return `failed to place service '${result.service}': ${where}\n${nodes}`;
}
