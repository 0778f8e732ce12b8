// The scheduler's decision for people, as `mcp deploy --dry-run` prints it: how the target was
// read, the chosen node, what the service asks for, and one row per node of the explanation.
import {
  PlacementMode,
  PlacementStrategy,
  type NodeEvaluation,
  type PlacementResult,
  type Resources,
} from '@mcp/proto';
import { formatCpu, formatSize } from '@mcp/scheduler';

import { table } from './print.js';

const NONE = '-';

/** `node 'rift'`, `pool 'pi-pool'` or `any compute node`. */
export function formatPlacementMode(p: Pick<PlacementResult, 'mode' | 'target'>): string {
  switch (p.mode) {
    case PlacementMode.PLACEMENT_MODE_NODE:
      return `node '${p.target}'`;
    case PlacementMode.PLACEMENT_MODE_POOL:
      return `pool '${p.target}'`;
    case PlacementMode.PLACEMENT_MODE_ANY:
      return 'any compute node';
    default:
      return p.target ? `'${p.target}'` : NONE;
  }
}

/** `cpu 250m, memory 256Mi, disk 1Gi`. */
export function formatResources(r: Resources | undefined): string {
  if (!r) return NONE;
  return [
    `cpu ${formatCpu(r.cpuMillis)}`,
    `memory ${formatSize(r.memoryBytes)}`,
    `disk ${formatSize(r.diskBytes)}`,
  ].join(', ');
}

/** The summary lines, then NODE, RESULT, SCORE, DETAIL for every node of the explanation. */
export function formatPlacement(p: PlacementResult): string {
  const strategy =
    p.strategy === PlacementStrategy.PLACEMENT_STRATEGY_BINPACK ? 'binpack' : 'spread';
  const head = [
    `target     ${formatPlacementMode(p)}, ranked by ${strategy}`,
    `node       ${p.node || 'none fits'}`,
    `requested  ${formatResources(p.requested)}`,
  ].join('\n');
  const rows = p.explanation.map((e) => [
    e.node,
    e.node === p.node ? 'chosen' : e.feasible ? 'feasible' : 'rejected',
    e.feasible ? e.score.toFixed(2) : NONE,
    evaluationDetail(e),
  ]);
  if (rows.length === 0) return `${head}\n\nThe fleet has no nodes.`;
  return `${head}\n\n${table(['NODE', 'RESULT', 'SCORE', 'DETAIL'], rows)}`;
}

/** Score parts of a feasible node, or every reason of a rejected one without its name. */
function evaluationDetail(e: NodeEvaluation): string {
  if (e.feasible) {
    return e.scoreParts.map((s) => `${s.name} ${s.value.toFixed(2)}`).join(', ') || NONE;
  }
  const prefix = `${e.node}: `;
  return e.reasons.map((r) => (r.startsWith(prefix) ? r.slice(prefix.length) : r)).join('; ');
}
