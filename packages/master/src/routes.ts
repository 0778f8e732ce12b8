// The proxy routes of every node, for `mcp route list|add|remove`: a compute node's through its
// agent's route RPCs, an edge node's through the edge agent's own (and its checks).
import type { EdgeRoute, NodeError, NodeRoutes, RouteEntry } from '@mcp/proto';

import { agentRpc, type Agents } from './agents.js';
import type { EdgeRoutes } from './edge.js';
import { EdgeCertificateFlagError, UnknownNodeError } from './errors.js';
import { eachLimit } from './limit.js';
import type { NodeRegistry } from './registry.js';

const LIST_ROUTES = agentRpc('listRoutes');

/** Deadline of one route call to an agent, in milliseconds. */
const DEADLINE_MS = 10_000;

export class ProxyRoutes {
  constructor(
    private readonly registry: NodeRegistry,
    private readonly agents: Agents,
    private readonly edge: EdgeRoutes,
  ) {}

  /** The route tables of every node (or of `only`); nodes that did not answer are in `errors`. */
  async list(only: string): Promise<{ nodes: NodeRoutes[]; errors: NodeError[] }> {
    const names = only ? [this.known(only, 'list the routes of')] : this.registry.names();
    const edges = new Set(this.edge.edges());

    const nodes: NodeRoutes[] = [];
    const errors: NodeError[] = [];
    await eachLimit(names, 16, async (node) => {
      try {
        if (edges.has(node)) {
          const routes = (await this.edge.routesOn(node)).map(entryOf);
          nodes.push({ node, routes });
        } else if (this.agents.implements(node, LIST_ROUTES)) {
          const out = await this.agents.call(
            node,
            'ListRoutes',
            (c, signal) => c.listRoutes({}, { signal }),
            { timeoutMs: DEADLINE_MS },
          );
          nodes.push({ node, routes: out.routes });
        } else {
          errors.push({ node, error: `node '${node}' does not implement ListRoutes` });
        }
      } catch (err) {
        errors.push({ node, error: (err as Error).message });
      }
    });
    nodes.sort((a, b) => a.node.localeCompare(b.node));
    errors.sort((a, b) => a.node.localeCompare(b.node));
    return { nodes, errors };
  }

  /** Adds or replaces one route on one node; resolves to whether anything changed. */
  async add(node: string, route: RouteEntry): Promise<boolean> {
    this.known(node, 'add a route to');
    if (this.edge.edges().includes(node)) {
      if (route.tlsCertPath || route.tlsKeyPath) throw new EdgeCertificateFlagError(node);
      return (await this.edge.setup(node, edgeRouteOf(route))) !== 'unchanged';
    }
    const out = await this.agents.call(node, 'AddRoute', (c) => c.addRoute({ route }));
    return out.changed;
  }

  /** Removes one route from one node; resolves to whether it was there. */
  async remove(node: string, listenerPort: number, hostname: string): Promise<boolean> {
    this.known(node, 'remove a route from');
    if (this.edge.edges().includes(node)) {
      return this.edge.remove(node, { listenerPort, hostname });
    }
    const out = await this.agents.call(node, 'RemoveRoute', (c) =>
      c.removeRoute({ listenerPort, hostname }),
    );
    return out.removed;
  }

  private known(node: string, verb: string): string {
    if (!this.registry.get(node)) {
      throw new UnknownNodeError(node, this.registry.names(), `${verb} node '${node}'`);
    }
    return node;
  }
}

/** An edge route as a plain proxy route. */
function entryOf(r: EdgeRoute): RouteEntry {
  return {
    listenerPort: r.listenerPort,
    hostname: r.hostname,
    backend: r.backend,
    mode: r.mode,
    backendTls: r.backendTls,
    tlsCertPath: r.tlsCertPath,
    tlsKeyPath: r.tlsKeyPath,
  };
}

/** A route an operator adds to an edge by hand: no service, the edge picks the certificate. */
function edgeRouteOf(r: RouteEntry): EdgeRoute {
  return {
    hostname: r.hostname,
    listenerPort: r.listenerPort,
    backend: r.backend,
    mode: r.mode,
    backendTls: r.backendTls,
    service: '',
    node: '',
    tlsCertPath: '',
    tlsKeyPath: '',
    tlsNotAfterMs: 0,
  };
}
