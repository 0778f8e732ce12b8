// One error class per condition the scheduler refuses. Each carries a `code` that programs
// compare (it survives two copies of this package, where `instanceof` may not) and the ids
// involved as readonly fields; the master maps them to gRPC status codes at its edge.
import {
  PlacementMode,
  type NodeEvaluation,
  type PlacementResult,
  type RouteEntry,
} from '@mcp/proto';

/** The `code` of every error the scheduler throws. */
export type SchedulerErrorCode =
  | 'AMBIGUOUS_TARGET'
  | 'UNKNOWN_TARGET'
  | 'UNKNOWN_NODE'
  | 'DUPLICATE_NODE'
  | 'NO_FEASIBLE_NODE'
  | 'NOT_ADMITTED'
  | 'INVALID_PORT_REQUEST'
  | 'PORT_RANGE_EXHAUSTED'
  | 'DUPLICATE_ROUTE'
  | 'INVALID_PUBLIC_HOSTNAME';

/** Base of the scheduler's errors. */
export abstract class SchedulerError extends Error {
  abstract readonly code: SchedulerErrorCode;
}

/** A service's `node` names both a node and a pool, so its placement mode is unclear. */
export class AmbiguousTargetError extends SchedulerError {
  readonly code = 'AMBIGUOUS_TARGET';

  constructor(
    readonly service: string,
    readonly target: string,
  ) {
    super(`failed to place service '${service}': '${target}' names both a node and a pool`);
    this.name = 'AmbiguousTargetError';
  }
}

/** A service's `node` names neither a node nor a pool of the fleet snapshot. */
export class UnknownTargetError extends SchedulerError {
  readonly code = 'UNKNOWN_TARGET';

  constructor(
    readonly service: string,
    readonly target: string,
  ) {
    super(`failed to place service '${service}': no node or pool named '${target}' in the fleet`);
    this.name = 'UnknownTargetError';
  }
}

/** A placement was recorded against a node the snapshot does not hold. */
export class UnknownNodeError extends SchedulerError {
  readonly code = 'UNKNOWN_NODE';

  constructor(
    readonly service: string,
    readonly node: string,
  ) {
    super(`failed to record service '${service}': no node named '${node}' in the snapshot`);
    this.name = 'UnknownNodeError';
  }
}

/** Two nodes of one snapshot share a name, so the snapshot cannot be trusted. */
export class DuplicateNodeError extends SchedulerError {
  readonly code = 'DUPLICATE_NODE';

  constructor(readonly node: string) {
    super(`failed to index node '${node}': the name appears twice in the fleet snapshot`);
    this.name = 'DuplicateNodeError';
  }
}

/** Reasons listed in a message at most; the full list stays in `reasons`. */
const REASONS_IN_MESSAGE = 8;

/** No node passed the filters. `result` holds the whole explanation. */
export class NoFeasibleNodeError extends SchedulerError {
  readonly code = 'NO_FEASIBLE_NODE';
  readonly service: string;
  readonly mode: PlacementMode;
  readonly target: string;
  /**
   * @param result the placement, whose explanation names every node.
   * @param reasons why each node within the target was rejected, in node name order.
   */
  constructor(
    readonly result: PlacementResult,
    readonly reasons: readonly string[],
  ) {
    super(`failed to place service '${result.service}': ${where(result)}: ${summary(reasons)}`);
    this.name = 'NoFeasibleNodeError';
    this.service = result.service;
    this.mode = result.mode;
    this.target = result.target;
  }
}

/** The agent's own check refused a service it was asked to start. */
export class NotAdmittedError extends SchedulerError {
  readonly code = 'NOT_ADMITTED';
  readonly node: string;
  readonly reasons: readonly string[];

  constructor(
    readonly service: string,
    readonly evaluation: NodeEvaluation,
  ) {
    super(
      `failed to admit service '${service}' on node '${evaluation.node}': ` +
        summary(evaluation.reasons),
    );
    this.name = 'NotAdmittedError';
    this.node = evaluation.node;
    this.reasons = evaluation.reasons;
  }
}

/** A port range or count that cannot be allocated from. */
export class InvalidPortRequestError extends SchedulerError {
  readonly code = 'INVALID_PORT_REQUEST';

  constructor(
    readonly first: number,
    readonly last: number,
    readonly count: number,
    reason: string,
  ) {
    super(`failed to allocate ports in range '${first}-${last}': ${reason}`);
    this.name = 'InvalidPortRequestError';
  }
}

/** Fewer ports are free in the range than were asked for. */
export class PortRangeExhaustedError extends SchedulerError {
  readonly code = 'PORT_RANGE_EXHAUSTED';

  constructor(
    readonly first: number,
    readonly last: number,
    readonly requested: number,
    readonly available: number,
  ) {
    super(
      `failed to allocate ports in range '${first}-${last}': ` +
        `${requested} requested, ${available} free`,
    );
    this.name = 'PortRangeExhaustedError';
  }
}

/** One route table holds two routes with the same listener port and hostname. */
export class DuplicateRouteError extends SchedulerError {
  readonly code = 'DUPLICATE_ROUTE';
  readonly listenerPort: number;
  readonly hostname: string;

  constructor(
    route: RouteEntry,
    readonly table: 'desired' | 'current',
  ) {
    super(
      `failed to diff route '${route.hostname}:${route.listenerPort}': ` +
        `it appears twice in the ${table} table`,
    );
    this.name = 'DuplicateRouteError';
    this.listenerPort = route.listenerPort;
    this.hostname = route.hostname;
  }
}

/** A public hostname an edge route may not carry; `reason` says why. */
export class PublicHostnameError extends SchedulerError {
  readonly code = 'INVALID_PUBLIC_HOSTNAME';

  constructor(
    readonly hostname: string,
    readonly reason: string,
  ) {
    super(`failed to accept public hostname '${hostname}': ${reason}`);
    this.name = 'PublicHostnameError';
  }
}

function where(result: PlacementResult): string {
  switch (result.mode) {
    case PlacementMode.PLACEMENT_MODE_NODE:
      return `node '${result.target}' is not feasible`;
    case PlacementMode.PLACEMENT_MODE_POOL:
      return `no feasible node in pool '${result.target}'`;
    default:
      return 'no feasible node in the fleet';
  }
}

function summary(reasons: readonly string[]): string {
  if (reasons.length === 0) return 'the fleet has no nodes';
  const shown = reasons.slice(0, REASONS_IN_MESSAGE).join('; ');
  const more = reasons.length - REASONS_IN_MESSAGE;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}
