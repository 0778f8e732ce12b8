import { ClientError, ServerError, Status } from 'nice-grpc';

/** A definition or command named a node the master does not know. */
export class UnknownNodeError extends Error {
  readonly code = 'UNKNOWN_NODE';
  constructor(
    readonly node: string,
    readonly known: string[],
  ) {
    super(`failed to place on node '${node}': no such node (known: ${known.join(', ') || 'none'})`);
    this.name = 'UnknownNodeError';
  }
}

/** A definition without `node` reached a master that cannot place by capacity. */
export class NoTargetError extends Error {
  readonly code = 'NO_TARGET';
  constructor(
    readonly service: string,
    readonly known: string[],
  ) {
    super(
      `failed to place service '${service}': the definition names no node; ` +
        `set node = one of ${known.join(', ') || '(no nodes configured)'}`,
    );
    this.name = 'NoTargetError';
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
  if (err instanceof ClientError) {
    return new AgentCallError(node, method, err.code, err.details, { cause: err });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new AgentCallError(node, method, Status.UNKNOWN, reason, { cause: err });
}

/** Maps a master error to a gRPC status for the CLI. */
export function toServerError(err: unknown): ServerError {
  if (err instanceof ServerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof UnknownNodeError || err instanceof NoTargetError)
    return new ServerError(Status.INVALID_ARGUMENT, message);
  if (err instanceof ServiceNotFoundError) return new ServerError(Status.NOT_FOUND, message);
  if (err instanceof AgentCallError) {
    const code = err.status === Status.UNKNOWN ? Status.INTERNAL : err.status;
    return new ServerError(code, message);
  }
  if ((err as { code?: string }).code === 'INVALID_DEFINITION') {
    return new ServerError(Status.INVALID_ARGUMENT, message);
  }
  return new ServerError(Status.INTERNAL, message);
}
