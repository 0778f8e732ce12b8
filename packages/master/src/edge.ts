// The master's side of edge routing: point a service's public hostnames at the node that runs
// it on every edge node, take them away on undeploy, and compare what the edges hold with where
// services run (drift is reported, never repaired).
import {
  NodeRole,
  StepStatus,
  type EdgeRoute,
  type EdgeRouteStatus,
  type NodeError,
  type ServiceStatus,
  type Step,
} from '@mcp/proto';
import type { Logger } from 'pino';

import type { Agents } from './agents.js';
import { PublicHostnameTakenError } from './errors.js';
import { eachLimit } from './limit.js';
import { edgeKey, edgeRoutesOf, publicBackends, type PublicRoute } from './public-routes.js';
import type { NodeRegistry } from './registry.js';

/** Deadline of one call to an edge agent, in milliseconds. */
const EDGE_DEADLINE_MS = 10_000;

function step(node: string, detail: string, error = ''): Step {
  const status = error ? StepStatus.STEP_STATUS_FAILED : StepStatus.STEP_STATUS_OK;
  return { name: 'edge', status, detail, error, node };
}

function show(r: Pick<EdgeRoute, 'hostname' | 'listenerPort'>): string {
  return `${r.hostname}:${r.listenerPort}`;
}

export class EdgeRoutes {
  constructor(
    private readonly registry: NodeRegistry,
    private readonly agents: Agents,
    private readonly log: Logger,
  ) {}

  /** The edge nodes the master knows, healthy or not, sorted by name. */
  edges(): string[] {
    const out: string[] = [];
    for (const r of this.registry.records()) {
      if (r.info.roles.includes(NodeRole.NODE_ROLE_EDGE)) out.push(r.info.name);
    }
    return out.sort();
  }

  /**
   * Points the service's public routes at the node `status` reports, on every edge, and removes
   * the service's edge routes it no longer has. One step per edge; a failure is a failed step.
   */
  async expose(status: ServiceStatus, wanted: readonly PublicRoute[]): Promise<Step[]> {
    const { routes, missing } = edgeRoutesOf(status, wanted);
    const edges = this.edges();
    const steps: Step[] = missing.map((m) =>
      step(status.node, '', `node '${status.node}' reported no host port for ${show(m)}`),
    );
    if (edges.length === 0) {
      if (wanted.length === 0) return steps;
      const names = wanted.map(show).join(', ');
      return [...steps, step('', '', `no edge node is registered: ${names} not exposed`)];
    }

    for (const edge of edges) {
      const done = await this.exposeOn(edge, status.name, routes);
      if (done) steps.push(done);
    }
    return steps;
  }

  /**
   * Refuses a deploy whose public hostnames another service holds on some edge. An edge that
   * does not answer is not asked again here: it refuses such a takeover itself.
   * @throws PublicHostnameTakenError naming the hostname, the service and the edge.
   */
  async checkOwners(service: string, wanted: readonly PublicRoute[]): Promise<void> {
    if (wanted.length === 0) return;
    const keys = new Set(wanted.map((w) => edgeKey(w.listenerPort, w.hostname)));
    for (const edge of this.edges()) {
      const held = await this.routesOn(edge).catch(() => []);
      const taken = held.find(
        (r) => r.service && r.service !== service && keys.has(edgeKey(r.listenerPort, r.hostname)),
      );
      if (taken) throw new PublicHostnameTakenError(service, show(taken), taken.service, edge);
    }
  }

  /** Removes every edge route of a service from every edge; one step per edge that held one. */
  async withdraw(service: string): Promise<Step[]> {
    const steps: Step[] = [];
    for (const edge of this.edges()) {
      try {
        const held = (await this.routesOn(edge)).filter((r) => r.service === service);
        if (held.length === 0) continue;
        for (const r of held) await this.remove(edge, r);
        this.log.info({ service, edge, routes: held.map(show) }, 'edge routes removed');
        steps.push(step(edge, `removed ${held.map(show).join(', ')}`));
      } catch (err) {
        steps.push(step(edge, '', (err as Error).message));
      }
    }
    return steps;
  }

  /**
   * Every route of every edge, each checked against `services` (what the nodes report now);
   * `silent` are the nodes that did not answer, whose services cannot be checked.
   */
  async list(
    services: readonly ServiceStatus[],
    silent: readonly NodeError[],
  ): Promise<{ routes: EdgeRouteStatus[]; errors: NodeError[] }> {
    const byService = new Map<string, ServiceStatus[]>();
    for (const s of services) byService.set(s.name, [...(byService.get(s.name) ?? []), s]);
    const silentNodes = new Set(silent.map((e) => e.node));

    const routes: EdgeRouteStatus[] = [];
    const errors: NodeError[] = [];
    await eachLimit(this.edges(), 8, async (edge) => {
      try {
        for (const route of await this.routesOn(edge)) {
          routes.push({ edge, route, drift: drift(route, byService, silentNodes) });
        }
      } catch (err) {
        errors.push({ node: edge, error: (err as Error).message });
      }
    });
    routes.sort(
      (a, b) =>
        a.edge.localeCompare(b.edge) ||
        (a.route?.listenerPort ?? 0) - (b.route?.listenerPort ?? 0) ||
        (a.route?.hostname ?? '').localeCompare(b.route?.hostname ?? ''),
    );
    errors.sort((a, b) => a.node.localeCompare(b.node));
    return { routes, errors };
  }

  /** The routes one edge holds. */
  async routesOn(edge: string): Promise<EdgeRoute[]> {
    const out = await this.agents.call(
      edge,
      'ListEdgeRoutes',
      (c, signal) => c.listEdgeRoutes({}, { signal }),
      { timeoutMs: EDGE_DEADLINE_MS },
    );
    return out.routes;
  }

  /** Sets up one route on one edge; resolves to the change the edge made. */
  async setup(edge: string, route: EdgeRoute): Promise<string> {
    const out = await this.agents.call(
      edge,
      'SetupEdgeRoute',
      (c, signal) => c.setupEdgeRoute({ route }, { signal }),
      { timeoutMs: EDGE_DEADLINE_MS },
    );
    return out.change;
  }

  /** Removes one route from one edge; resolves to whether it was there. */
  async remove(edge: string, r: Pick<EdgeRoute, 'hostname' | 'listenerPort'>): Promise<boolean> {
    const out = await this.agents.call(
      edge,
      'RemoveEdgeRoute',
      (c, signal) =>
        c.removeEdgeRoute({ listenerPort: r.listenerPort, hostname: r.hostname }, { signal }),
      { timeoutMs: EDGE_DEADLINE_MS },
    );
    return out.removed;
  }

  /** Sets up `routes` on one edge and removes the service's others; undefined when none. */
  private async exposeOn(
    edge: string,
    service: string,
    routes: EdgeRoute[],
  ): Promise<Step | undefined> {
    const log = this.log.child({ service, edge });
    try {
      const done: string[] = [];
      for (const route of routes) {
        const change = await this.setup(edge, route);
        done.push(`${show(route)} -> ${route.backend} (${change})`);
      }

      // Hostnames the service had and no longer has.
      const keep = new Set(routes.map((r) => edgeKey(r.listenerPort, r.hostname)));
      const held = (await this.routesOn(edge)).filter((r) => r.service === service);
      for (const old of held.filter((r) => !keep.has(edgeKey(r.listenerPort, r.hostname)))) {
        await this.remove(edge, old);
        done.push(`removed ${show(old)}`);
      }
      if (done.length === 0) return undefined;
      log.info({ changes: done }, 'edge routes set up');
      return step(edge, done.join('; '));
    } catch (err) {
      log.warn({ err }, 'edge routes not set up');
      return step(edge, '', (err as Error).message);
    }
  }
}

/** Why an edge route does not point where its service runs; empty when it does. */
function drift(
  route: EdgeRoute,
  byService: Map<string, ServiceStatus[]>,
  silent: Set<string>,
): string {
  if (route.service === '') return '';
  const key = edgeKey(route.listenerPort, route.hostname);
  const runs = byService.get(route.service) ?? [];
  if (runs.some((s) => publicBackends(s).get(key) === route.backend)) return '';

  const at = `points at ${route.node || 'an unknown node'} (${route.backend})`;
  if (runs.length === 0) {
    if (silent.size > 0) {
      const names = [...silent].sort().join(', ');
      const may = `service '${route.service}' may run there`;
      return `${at}; cannot check: ${names} did not answer, ${may}`;
    }
    return `${at}; service '${route.service}' runs on no node`;
  }
  const where = runs.map((s) => `${s.node} (${publicBackends(s).get(key) ?? 'no such route'})`);
  return `${at}; service runs on ${where.join(', ')}`;
}
