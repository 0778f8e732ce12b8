// The agents the master calls, one channel per node kept open, reopened when a node registers
// from another address. Every channel is TLS 1.3 (the agent's certificate verified against the
// platform CA) and every call carries the master's own `mcp-master` token.
import { AgentServiceDefinition, type AgentServiceClient } from '@mcp/proto';
import { secureClient, type TokenSource } from '@mcp/security';
import { ClientError, Status, type Channel, type ChannelCredentials } from 'nice-grpc';

import {
  AgentAddressMismatchError,
  AgentAddressUnverifiedError,
  AgentCallError,
  agentCallError,
  AgentVersionSkewError,
  UnknownNodeError,
} from './errors.js';
import type { NodeRegistry } from './registry.js';

export type AgentClient = AgentServiceClient;

/** Fully qualified name of an AgentService RPC, as agents report the RPCs they implement. */
export function agentRpc(method: keyof typeof AgentServiceDefinition.methods): string {
  return `${AgentServiceDefinition.fullName}/${AgentServiceDefinition.methods[method].name}`;
}

/** How the master dials its agents. */
export interface AgentDialing {
  /** `Security.channel`: TLS 1.3, agents verified against the platform CA. */
  readonly credentials: ChannelCredentials;
  /** The master's own token (`[mcias] token_file`), read at each call. */
  readonly token: TokenSource;
}

export class Agents {
  private readonly open = new Map<
    string,
    { address: string; channel: Channel; client: AgentClient }
  >();

  constructor(
    private readonly registry: NodeRegistry,
    private readonly dialing: AgentDialing,
  ) {}

  /** The agent client of a node; UnknownNodeError when the master does not know it. */
  client(name: string): AgentClient {
    const address = this.registry.get(name)?.info.agentAddress;
    if (address === undefined) throw new UnknownNodeError(name, this.registry.names());

    const known = this.open.get(name);
    if (known?.address === address) return known.client;
    known?.channel.close();
    const { credentials, token } = this.dialing;
    const { client, channel } = secureClient(AgentServiceDefinition, address, credentials, token);
    this.open.set(name, { address, channel, client });
    return client;
  }

  /**
   * Checks that the agent at `address` is `node`'s: its HealthCheck names that node. The master
   * calls agents with its own token, so a node's registered address must lead to that node.
   */
  async verify(node: string, address: string, timeoutMs: number): Promise<void> {
    const { credentials, token } = this.dialing;
    const { client, channel } = secureClient(AgentServiceDefinition, address, credentials, token);
    try {
      const health = await client.healthCheck({}, { signal: AbortSignal.timeout(timeoutMs) });
      if (health.node !== node) throw new AgentAddressMismatchError(node, address, health.node);
    } catch (err) {
      if (err instanceof AgentAddressMismatchError) throw err;
      const reason =
        err instanceof ClientError ? `${Status[err.code]}: ${err.details}` : String(err);
      throw new AgentAddressUnverifiedError(node, address, reason, { cause: err });
    } finally {
      channel.close();
    }
  }

  /** A node's agent address as it registered; empty for a node the master does not know. */
  address(name: string): string {
    return this.registry.get(name)?.info.agentAddress ?? '';
  }

  /**
   * Throws AgentVersionSkewError unless the node says it implements `method` (an AgentService
   * method name such as `Logs`), before a call that an older agent would refuse.
   */
  require(name: string, method: keyof typeof AgentServiceDefinition.methods): void {
    const rpc = agentRpc(method);
    if (this.implements(name, rpc)) return;
    throw new AgentVersionSkewError(name, this.registry.get(name)?.info.version ?? '', rpc);
  }

  /** Whether a node says it implements an RPC; a node that reported none is assumed to. */
  implements(name: string, rpc: string): boolean {
    const rpcs = this.registry.get(name)?.info.rpcs ?? [];
    return rpcs.length === 0 || rpcs.includes(rpc);
  }

  /**
   * Calls an agent, turning its failure into an AgentCallError that names the node. With
   * `timeoutMs`, a call not answered in time fails as DEADLINE_EXCEEDED; `signal` cancels it.
   */
  async call<T>(
    node: string,
    method: string,
    fn: (c: AgentClient, signal: AbortSignal | undefined) => Promise<T>,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<T> {
    const client = this.client(node);
    const timeout =
      options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const signals = [timeout, options.signal].filter((s) => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];

    try {
      return await fn(client, signal);
    } catch (err) {
      // An older agent: say which node, which version, and how to upgrade it.
      if (err instanceof ClientError && err.code === Status.UNIMPLEMENTED) {
        const version = this.registry.get(node)?.info.version ?? '';
        const rpc = `${AgentServiceDefinition.fullName}/${method}`;
        throw new AgentVersionSkewError(node, version, rpc, { cause: err });
      }
      const address = this.address(node);
      const failure = timeout?.aborted
        ? new AgentCallError(
            node,
            address,
            method,
            Status.DEADLINE_EXCEEDED,
            `timed out: no answer within ${options.timeoutMs} ms`,
            { cause: err },
          )
        : agentCallError(node, address, method, err);
      if (failure.unreached) this.drop(node, client);
      throw failure;
    }
  }

  /**
   * Closes a node's channel after a call found the agent gone, so the next call connects anew:
   * grpc-js would otherwise wait out its reconnect backoff (up to 120 s) first.
   */
  private drop(node: string, client: AgentClient): void {
    if (this.open.get(node)?.client === client) this.reconnect(node);
  }

  /**
   * Closes a node's channel, so the next call connects anew. For a node heard from again after
   * it was cut off: a connection (or its SYN) sent into the cut waits out TCP's retransmission
   * backoff, several seconds after the link is back, and the master's next calls would time out.
   */
  reconnect(node: string): void {
    this.open.get(node)?.channel.close();
    this.open.delete(node);
  }

  close(): void {
    for (const { channel } of this.open.values()) channel.close();
    this.open.clear();
  }
}
