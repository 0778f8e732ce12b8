// One class per condition the master refuses, and their mapping to gRPC status codes at its edge.
// The scheduler's errors are told apart by `code`, which survives two copies of that package.
import type { PlacementResult } from '@mcp/proto';
import { clip } from '@mcp/security';
import { ClientError, ServerError, Status } from 'nice-grpc';

import { noPlacementMessage } from './placement-text.js';
import { transportReason } from './transport-reason.js';

/** A command named a node the master does not know. */
export class UnknownNodeError extends Error {
  readonly code = 'UNKNOWN_NODE';
  constructor(
    readonly node: string,
    readonly known: string[],
    /** What could not be done, for the message. Default: `reach node '<node>'`. */
    doing = `reach node '${node}'`,
  ) {
    const nodes = known.length > 0 ? `known nodes: ${known.join(', ')}` : 'no node has registered';
    super(`failed to ${doing}: no node named '${node}'; ${nodes}`);
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
    super(`failed to accept node '${clip(node)}': ${field}: ${reason}`);
    this.name = 'InvalidNodeReportError';
  }
}

/** A request to the master carried a field it refuses; `field` is its path in the request. */
export class InvalidRequestError extends Error {
  readonly code = 'INVALID_REQUEST';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'InvalidRequestError';
  }
}

/** An agent identity that is not in the master's allowlist (`[auth] agents`). */
export class AgentNotAllowedError extends Error {
  readonly code = 'AGENT_NOT_ALLOWED';
  constructor(
    /** What was refused: `register`, `accept heartbeat from`, or `restore` (the cache). */
    readonly verb: string,
    readonly node: string,
    readonly identity: string,
  ) {
    super(
      `failed to ${verb} node '${node}': account '${identity}' is not an agent this master ` +
        `accepts; add it to [auth] agents in the master config`,
    );
    this.name = 'AgentNotAllowedError';
  }
}

/** A node registered the edge role from an identity not in `[auth] edges`. */
export class EdgeRoleNotAllowedError extends Error {
  readonly code = 'EDGE_ROLE_NOT_ALLOWED';
  constructor(
    /** What was refused: `register`, or `restore` for a node from the master's cache. */
    readonly verb: string,
    readonly node: string,
    readonly identity: string,
  ) {
    super(
      `failed to ${verb} node '${node}': account '${identity}' may not register the edge ` +
        `role (the edge is sent every public route); add it to [auth] edges in the master config`,
    );
    this.name = 'EdgeRoleNotAllowedError';
  }
}

/** One identity called Register or Heartbeat faster than its bucket allows. */
export class RateLimitedError extends Error {
  readonly code = 'RATE_LIMITED';
  constructor(
    readonly verb: string,
    readonly node: string,
    readonly identity: string,
    /** The limit as words, e.g. `3 registrations at once, then one per 60 s`. */
    readonly limit: string,
    readonly retryAfterMs: number,
  ) {
    super(
      `failed to ${verb} node '${node}': more than ${limit} from '${identity}'; ` +
        `retry in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`,
    );
    this.name = 'RateLimitedError';
  }
}

/** A new node asked to join a master that already knows as many as its cap allows. */
export class NodeCapError extends Error {
  readonly code = 'NODE_CAP';
  constructor(
    readonly node: string,
    readonly maxNodes: number,
  ) {
    super(
      `failed to register node '${node}': the master already knows ${maxNodes} nodes, its cap ` +
        '([auth] max_nodes in the master config)',
    );
    this.name = 'NodeCapError';
  }
}

/**
 * A node registered an agent address where another node's agent answers: an agent account
 * may not point the master, with its `mcp-master` token, at a node it does not speak for.
 */
export class AgentAddressMismatchError extends Error {
  readonly code = 'AGENT_ADDRESS_MISMATCH';
  constructor(
    readonly node: string,
    readonly address: string,
    readonly answered: string,
  ) {
    super(
      `failed to register node '${node}': the agent at ${address} says it is node ` +
        `'${answered}'; a node may register only its own agent's address`,
    );
    this.name = 'AgentAddressMismatchError';
  }
}

/** A node's agent address did not answer HealthCheck when the node registered. */
export class AgentAddressUnverifiedError extends Error {
  readonly code = 'AGENT_ADDRESS_UNVERIFIED';
  constructor(
    readonly node: string,
    readonly address: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `failed to register node '${node}': its agent at ${address} did not answer HealthCheck ` +
        `(${reason}); the master checks an agent address before it uses it`,
      options,
    );
    this.name = 'AgentAddressUnverifiedError';
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

/** A node that does not answer, and why. */
export interface SilentNode {
  readonly node: string;
  /** Short, for example `connection refused` or `unhealthy: HealthCheck failed: ...`. */
  readonly reason: string;
}

/** No node runs the service, as far as the nodes that answered say. */
export class ServiceNotFoundError extends Error {
  readonly code = 'SERVICE_NOT_FOUND';
  constructor(
    readonly service: string,
    /** Silent nodes whose services the master never learnt, which may run it. Default: none. */
    readonly unknown: readonly SilentNode[] = [],
  ) {
    const where =
      unknown.length === 0
        ? 'it runs on no node'
        : 'no node that answered runs it; it may run on ' +
          silentText(unknown) +
          ', and the master has not heard what runs there since it started';
    super(`failed to find service '${service}': ${where}`);
    this.name = 'ServiceNotFoundError';
  }
}

/** The nodes that last reported a service do not answer now. */
export class ServiceUnreachableError extends Error {
  readonly code = 'SERVICE_UNREACHABLE';
  constructor(
    readonly service: string,
    /** What could not be done, for example `stop`. */
    readonly verb: string,
    readonly nodes: readonly SilentNode[],
  ) {
    super(`failed to ${verb} service '${service}': it was last reported on ` + silentText(nodes));
    this.name = 'ServiceUnreachableError';
  }
}

/** `node 'a', which does not answer (why)` or `nodes 'a', 'b', which do not answer (...)`. */
function silentText(nodes: readonly SilentNode[]): string {
  const [first] = nodes;
  if (nodes.length === 1 && first) {
    return `node '${first.node}', which does not answer${first.reason ? ` (${first.reason})` : ''}`;
  }
  const names = nodes.map((n) => `'${n.node}'`).join(', ');
  const why = nodes.map((n) => `${n.node}: ${n.reason || 'no reason given'}`).join('; ');
  return `nodes ${names}, which do not answer (${why})`;
}

/** A call to an agent failed; keeps the agent's status code. */
export class AgentCallError extends Error {
  readonly code = 'AGENT_CALL';
  constructor(
    readonly node: string,
    /** The agent's address; empty when the master does not know it. */
    readonly address: string,
    readonly method: string,
    readonly status: Status,
    /** Short: for a transport failure `connection refused`, `timed out ...` and the like. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      isTransport(status)
        ? `failed to reach node '${node}'${address ? ` at ${address}` : ''}: ${reason}`
        : `node '${node}' refused ${method}: ${reason}`,
      options,
    );
    this.name = 'AgentCallError';
  }

  /** True when the agent was not reached (or did not answer in time), rather than refusing. */
  get unreached(): boolean {
    return isTransport(this.status);
  }
}

function isTransport(status: Status): boolean {
  return status === Status.UNAVAILABLE || status === Status.DEADLINE_EXCEEDED;
}

/** Wraps whatever an agent call threw; transport failures get a short reason. */
export function agentCallError(
  node: string,
  address: string,
  method: string,
  err: unknown,
): AgentCallError {
  if (err instanceof AgentCallError) return err;
  if (err instanceof ClientError) {
    const reason =
      err.code === Status.UNAVAILABLE
        ? transportReason(err.details)
        : err.code === Status.DEADLINE_EXCEEDED
          ? 'timed out'
          : err.details;
    return new AgentCallError(node, address, method, err.code, reason, { cause: err });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new AgentCallError(node, address, method, Status.UNKNOWN, reason, { cause: err });
}

/** A node's agent lacks an RPC the master needs: it runs an older version. */
export class AgentVersionSkewError extends Error {
  readonly code = 'AGENT_VERSION_SKEW';
  constructor(
    readonly node: string,
    /** As the node registered it; empty when it reported none. */
    readonly version: string,
    /** Fully qualified, `mcp.v1.AgentService/Logs`. */
    readonly rpc: string,
    options?: { cause?: unknown },
  ) {
    const runs = version ? `runs agent version ${version}, which` : 'runs an older agent that';
    super(
      `failed to call ${rpc} on node '${node}': it ${runs} does not implement it; ` +
        `upgrade it with \`mcp agent upgrade ${node}\``,
      options,
    );
    this.name = 'AgentVersionSkewError';
  }
}

/** A route added by hand to an edge named a certificate: the edge picks its own. */
export class EdgeCertificateFlagError extends Error {
  readonly code = 'EDGE_CERTIFICATE_FLAG';
  constructor(readonly node: string) {
    super(
      `failed to add a route to edge node '${node}': route.tls_cert_path: an edge node ` +
        'terminates TLS with its own certificate for the public name; give no certificate',
    );
    this.name = 'EdgeCertificateFlagError';
  }
}

/** A deploy asked for a public hostname another service holds on an edge. */
export class PublicHostnameTakenError extends Error {
  readonly code = 'PUBLIC_HOSTNAME_TAKEN';
  constructor(
    readonly service: string,
    readonly hostname: string,
    readonly owner: string,
    readonly edge: string,
  ) {
    super(
      `failed to deploy service '${service}': public hostname '${hostname}' belongs to service ` +
        `'${owner}' on edge node '${edge}'; undeploy '${owner}' or change the hostname`,
    );
    this.name = 'PublicHostnameTakenError';
  }
}

/** Status codes of the master's and the scheduler's errors, by `code`. */
const STATUS_OF: Readonly<Record<string, Status>> = {
  UNKNOWN_NODE: Status.NOT_FOUND,
  INVALID_NODE_REPORT: Status.INVALID_ARGUMENT,
  INVALID_REQUEST: Status.INVALID_ARGUMENT,
  AGENT_NOT_ALLOWED: Status.PERMISSION_DENIED,
  EDGE_ROLE_NOT_ALLOWED: Status.PERMISSION_DENIED,
  RATE_LIMITED: Status.RESOURCE_EXHAUSTED,
  NODE_CAP: Status.RESOURCE_EXHAUSTED,
  NODE_UNHEALTHY: Status.FAILED_PRECONDITION,
  SERVICE_NOT_FOUND: Status.NOT_FOUND,
  SERVICE_UNREACHABLE: Status.UNAVAILABLE,
  INVALID_DEFINITION: Status.INVALID_ARGUMENT,
  AMBIGUOUS_TARGET: Status.INVALID_ARGUMENT,
  UNKNOWN_TARGET: Status.FAILED_PRECONDITION,
  NO_FEASIBLE_NODE: Status.FAILED_PRECONDITION,
  MASTER_STARTING: Status.UNAVAILABLE,
  EDGE_CERTIFICATE_FLAG: Status.INVALID_ARGUMENT,
  PUBLIC_HOSTNAME_TAKEN: Status.FAILED_PRECONDITION,
  NO_MCNS: Status.FAILED_PRECONDITION,
  AGENT_VERSION_SKEW: Status.FAILED_PRECONDITION,
  AGENT_ADDRESS_MISMATCH: Status.PERMISSION_DENIED,
  AGENT_ADDRESS_UNVERIFIED: Status.UNAVAILABLE,
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

/** The master started less than a heartbeat interval ago: nodes may not have reported yet. */
export class MasterStartingError extends Error {
  readonly code = 'MASTER_STARTING';
  constructor(
    readonly service: string,
    readonly waitMs: number,
  ) {
    super(
      `failed to deploy service '${service}': the master has just started and nodes report ` +
        `within one heartbeat interval; deploy again in ${Math.ceil(waitMs / 1000)} s`,
    );
    this.name = 'MasterStartingError';
  }
}

/** DNS records were asked for, and the master's config has no `[mcns]`. */
export class NoMcnsError extends Error {
  readonly code = 'NO_MCNS';
  constructor() {
    super('failed to list DNS records: no MCNS configured (master config [mcns])');
    this.name = 'NoMcnsError';
  }
}
