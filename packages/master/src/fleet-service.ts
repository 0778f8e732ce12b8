// FleetService, the agents' side of the master: Register stores what a node says about itself,
// Heartbeat keeps its usage and liveness current. Both answer with the heartbeat interval.
// Who may speak for which node, and how often, is checked here: the authorization middleware
// has only said that the caller is some `agent-<node>` account.
import {
  NodeHealth,
  NodeRole,
  type FleetServiceImplementation,
  type Identity,
  type NodeInfo,
} from '@mcp/proto';
import {
  AGENT_ACCOUNT_PREFIX,
  agentNode,
  identityMismatch,
  RateLimiter,
  type AuthContext,
} from '@mcp/security';
import { Status, type ServerError } from 'nice-grpc';
import type { Logger } from 'pino';

import type { Clock } from './clock.js';
import type { AuthConfig } from './config.js';
import {
  AgentNotAllowedError,
  EdgeRoleNotAllowedError,
  NodeCapError,
  RateLimitedError,
  toServerError,
} from './errors.js';
import type { NodeRegistry } from './registry.js';
import { requireNodeName, validateNodeInfo } from './validate.js';

/** Options of the FleetService implementation. */
export interface FleetServiceOptions {
  /** Heartbeat interval told to agents, in milliseconds; also the heartbeat bucket's refill. */
  intervalMs: number;
  log: Logger;
  /** The master's clock: rate limits are measured on it. */
  clock: Clock;
  /** The agent allowlist, the node cap and the rate limits (`[auth]`). */
  auth: AuthConfig;
  /**
   * Called after a node registered and after each heartbeat of a known node (synchronously, on
   * the hot path: keep it cheap, e.g. a map lookup; slow work goes to the background).
   */
  onNode?: (node: string, registered: boolean) => void;
  /**
   * Called when a heartbeat comes from a node marked unhealthy (`Agents.reconnect`): the link is
   * back, but a connection the master opened while it was cut may still wait out a TCP backoff.
   * Default: none.
   */
  onRecovered?: (node: string) => void;
  /**
   * Confirms that the agent at an address is the node's (`Agents.verify`), asked when a node
   * registers from an address the master has not checked for it. Default: none (tests).
   */
  verifyAgent?: (node: string, address: string) => Promise<void>;
}

const REGISTER = { method: 'Register', verb: 'register' } as const;
const HEARTBEAT = { method: 'Heartbeat', verb: 'accept heartbeat from' } as const;
type Call = typeof REGISTER | typeof HEARTBEAT;

export function fleetService(
  registry: NodeRegistry,
  options: FleetServiceOptions,
): FleetServiceImplementation<AuthContext> {
  const { intervalMs, log, onNode, onRecovered, clock, auth, verifyAgent } = options;
  const allowed = new Set(auth.agents);
  const bucket = (what: string, burst: number, refillEveryMs: number) => ({
    bucket: new RateLimiter({ burst, refillEveryMs }),
    text: `${burst} ${what} at once, then one per ${seconds(refillEveryMs)}`,
  });
  const limits = {
    Register: bucket('registrations', auth.registerBurst, auth.registerEveryMs),
    Heartbeat: bucket('heartbeats', auth.heartbeatBurst, intervalMs),
  };

  /** The caller may speak for `node`, and has not called too often: else throws. */
  function admit(call: Call, node: string, identity: Identity): void {
    const { username } = identity;
    if (!allowed.has(username)) throw new AgentNotAllowedError(call.verb, node, username);
    if (agentNode(identity) !== node) throw identityMismatch(call.method, username, node);

    const limit = limits[call.method];
    const took = limit.bucket.take(username, clock.now());
    if (!took.ok) {
      throw new RateLimitedError(call.verb, node, username, limit.text, took.retryAfterMs);
    }
  }

  /** The answer to a refused call, logged at warn with who asked (never a token). */
  function refuse(call: Call, err: unknown, identity: Identity): ServerError {
    const refusal = toServerError(err);
    if (refusal.code !== Status.INVALID_ARGUMENT) {
      log.warn(
        {
          method: `mcp.v1.FleetService/${call.method}`,
          code: Status[refusal.code],
          username: identity.username,
          reason: refusal.details,
        },
        'call refused',
      );
    }
    return refusal;
  }

  return {
    async register(req, context) {
      try {
        const info = validateNodeInfo(req.node);
        admit(REGISTER, info.name, context.identity);
        const edgeRefusal = edgeRoleRefusal('register', info, context.identity.username, auth);
        if (edgeRefusal) throw edgeRefusal;
        const known = registry.get(info.name);
        if (!known && registry.size >= auth.maxNodes) {
          throw new NodeCapError(info.name, auth.maxNodes);
        }
        if (known?.info.agentAddress !== info.agentAddress) {
          await verifyAgent?.(info.name, info.agentAddress);
        }

        const { previous } = registry.register(info, req.usage);
        const fields = {
          node: info.name,
          agentAddress: info.agentAddress,
          roles: info.roles.map((r) => NodeRole[r]),
          version: info.version,
          identity: context.identity.username,
        };
        if (!previous) log.info(fields, 'node registered');
        else if (previous.agentAddress !== info.agentAddress) {
          log.info({ ...fields, previousAgentAddress: previous.agentAddress }, 'node moved');
        } else log.info(fields, 'node registered again');
        onNode?.(info.name, true);
        return { heartbeatIntervalMs: intervalMs };
      } catch (err) {
        throw refuse(REGISTER, err, context.identity);
      }
    },

    // The hot path (500 calls a second for 5,000 nodes): synchronous, logs only on a change.
    heartbeat(req, context) {
      try {
        const node = requireNodeName(req.node, 'node');
        admit(HEARTBEAT, node, context.identity);

        const before = registry.heartbeat(node, req.usage);
        if (before === undefined) {
          log.info({ node }, 'heartbeat from an unknown node, asked to register again');
          return Promise.resolve({ registerAgain: true, heartbeatIntervalMs: intervalMs });
        }
        if (before === NodeHealth.NODE_HEALTH_UNHEALTHY) {
          log.info({ node }, 'node healthy again');
          onRecovered?.(node);
        }
        onNode?.(node, false);
        return Promise.resolve({ registerAgain: false, heartbeatIntervalMs: intervalMs });
      } catch (err) {
        return Promise.reject(refuse(HEARTBEAT, err, context.identity));
      }
    },
  };
}

/** `60 s`, `1.5 s`. */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * Why `[auth]` would refuse a node the master's cache remembers, or undefined: its identity left
 * `agents`, or it is an edge whose identity is not in `edges`. A cached node is otherwise probed
 * and used (an edge sent public routes) without ever registering again.
 */
export function cachedNodeRefusal(info: NodeInfo, auth: AuthConfig): Error | undefined {
  const identity = `${AGENT_ACCOUNT_PREFIX}${info.name}`;
  if (!auth.agents.includes(identity)) {
    return new AgentNotAllowedError('restore', info.name, identity);
  }
  return edgeRoleRefusal('restore', info, identity, auth);
}

/** The refusal of a node claiming the edge role from an identity not in `[auth] edges`. */
function edgeRoleRefusal(
  verb: string,
  info: NodeInfo,
  identity: string,
  auth: AuthConfig,
): EdgeRoleNotAllowedError | undefined {
  if (!info.roles.includes(NodeRole.NODE_ROLE_EDGE) || auth.edges.includes(identity)) return;
  return new EdgeRoleNotAllowedError(verb, info.name, identity);
}
