// The agents the master talks to, with one channel per node kept open.
import { AgentServiceDefinition, type AgentServiceClient } from '@mcp/proto';
import { createChannel, createClient, type Channel } from 'nice-grpc';

import type { NodeEntry } from './config.js';
import { agentCallError, UnknownNodeError } from './errors.js';

export type AgentClient = AgentServiceClient;

export class Nodes {
  private readonly channels = new Map<string, { channel: Channel; client: AgentClient }>();

  constructor(private readonly entries: NodeEntry[]) {}

  names(): string[] {
    return this.entries.map((e) => e.name);
  }

  /** The agent address of a known node; empty when unknown. */
  address(name: string): string {
    return this.entries.find((e) => e.name === name)?.address ?? '';
  }

  has(name: string): boolean {
    return this.entries.some((e) => e.name === name);
  }

  /** The agent client of a node; UnknownNodeError when the master does not know it. */
  client(name: string): AgentClient {
    const known = this.channels.get(name);
    if (known) return known.client;
    const entry = this.entries.find((e) => e.name === name);
    if (!entry) throw new UnknownNodeError(name, this.names());
    const channel = createChannel(entry.address);
    const client = createClient(AgentServiceDefinition, channel);
    this.channels.set(name, { channel, client });
    return client;
  }

  /** Calls an agent, turning its failure into an AgentCallError that names the node. */
  async call<T>(node: string, method: string, fn: (c: AgentClient) => Promise<T>): Promise<T> {
    const client = this.client(node);
    try {
      return await fn(client);
    } catch (err) {
      throw agentCallError(node, method, err);
    }
  }

  /** The error for a failed call to a node's agent. */
  callError(node: string, method: string, err: unknown): Error {
    return agentCallError(node, method, err);
  }

  close(): void {
    for (const { channel } of this.channels.values()) channel.close();
    this.channels.clear();
  }
}
