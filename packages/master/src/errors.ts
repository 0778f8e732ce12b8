// One class per condition the master refuses, and their mapping to gRPC status codes at its edge.
// The scheduler's errors are told apart by `code`, which survives two copies of that package.
import type { PlacementResult } from '@mcp/proto';
import { ClientError, ServerError, Status } from 'nice-grpc';

import { noPlacementMessage } from './placement-text.js';

/** A command named a node the master does not know. */
export class UnknownNodeError extends Error {
  readonly code = 'UNKNOWN_NODE';
  constructor(
    readonly node: string,
    readonly known: string[],
  ) {
    super(`failed to find node '${node}': no such node (known: ${known.join(', ') || 'none'})`);
    this.name = 'UnknownNodeError';
  }
}

/** An agent's Register or Heartbeat carried a field the master refuses. */
export class InvalidNodeReportError extends Error {
  readonly code = 'INVALID_NODE_REPORT';
  constructor(
    readonly node: string,
    /** Field path in the request, for example `node.agent_address`. */
    readonly field: string,
    reason: string,
  ) {
    super(`failed to accept node '${node}': ${field}: ${reason}`);
    this.name = 'InvalidNodeReportError';
  }
}

/** A redeploy in place was asked of a node that is unhealthy. */
export class NodeUnhealthyError extends Error {
  readonly code = 'NODE_UNHEALTHY';
  constructor(
    readonly service: string,
    readonly node: string,
    readonly reason: string,
  ) {
    super(
      `failed to redeploy service '${service}' on node '${node}': the node is unhealthy` +
        `${reason ? ` (${reason})` : ''}; name another node or pool in the definition to move it`,
    );
    this.name = 'NodeUnhealthyError';
  }
}

/** No node runs the service. */
export class ServiceNotFoundError extends Error {
  readonly code = 'SERVICE_NOT_FOUND';
  constructor(readonly service: string) {
    super(`failed to find service '${service}': it runs on no node`);
    this.name = 'ServiceNotFoundError';
  }
}

/** A call to an agent failed; keeps the agent's status code. */
export class AgentCallError extends Error {
  readonly code = 'AGENT_CALL';
  constructor(
    readonly node: string,
    readonly method: string,
    readonly status: Status,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      status === Status.UNAVAILABLE || status === Status.DEADLINE_EXCEEDED
        ? `failed to reach node '${node}': ${reason}`
        : `node '${node}' refused ${method}: ${reason}`,
      options,
    );
    this.name = 'AgentCallError';
  }
}

/** Wraps whatever an agent call threw. */
export function agentCallError(node: string, method: string, err: unknown): AgentCallError {
  if (err instanceof AgentCallError) return err;
  if (err instanceof ClientError) {
    return new AgentCallError(node, method, err.code, err.details, { cause: err });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new AgentCallError(node, method, Status.UNKNOWN, reason, { cause: err });
}

/** Status codes of the master's and the scheduler's errors, by `code`. */
const STATUS_OF: Readonly<Record<string, Status>> = {
  UNKNOWN_NODE: Status.NOT_FOUND,
  INVALID_NODE_REPORT: Status.INVALID_ARGUMENT,
  NODE_UNHEALTHY: Status.FAILED_PRECONDITION,
  SERVICE_NOT_FOUND: Status.NOT_FOUND,
  INVALID_DEFINITION: Status.INVALID_ARGUMENT,
  AMBIGUOUS_TARGET: Status.INVALID_ARGUMENT,
  UNKNOWN_TARGET: Status.FAILED_PRECONDITION,
  NO_FEASIBLE_NODE: Status.FAILED_PRECONDITION,
};

/** Maps a master error to a gRPC status for the CLI or the agent. */
export function toServerError(err: unknown): ServerError {
  if (err instanceof ServerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof AgentCallError) {
    const code = err.status === Status.UNKNOWN ? Status.INTERNAL : err.status;
    return new ServerError(code, message);
  }

  const code = (err as { code?: unknown }).code;
  const status = typeof code === 'string' ? STATUS_OF[code] : undefined;
  if (code === 'NO_FEASIBLE_NODE') {
    const result = (err as { result: PlacementResult }).result;
    return new ServerError(Status.FAILED_PRECONDITION, noPlacementMessage(result));
  }
  return new ServerError(status ?? Status.INTERNAL, message);
}
