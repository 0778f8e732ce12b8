// The public routes of a service definition, checked against the master's allowed domains
// before anything reaches a node, and the edge routes they become once the service runs.
import type { EdgeRoute, ServiceSpec, ServiceStatus } from '@mcp/proto';
import { checkPublicHostname, DefinitionError, dnsName } from '@mcp/scheduler';

/** A public route of a definition, its hostname normalised. */
export interface PublicRoute {
  component: string;
  route: string;
  hostname: string;
  listenerPort: number;
}

/**
 * Every public route of `spec`, hostnames normalised.
 * @throws DefinitionError naming `components[i].routes[j].hostname` when a public route has no
 *   hostname or one outside `allowedDomains`.
 */
export function publicRoutes(spec: ServiceSpec, allowedDomains: readonly string[]): PublicRoute[] {
  const out: PublicRoute[] = [];
  spec.components.forEach((c, i) =>
    c.routes.forEach((r, j) => {
      if (!r.public) return;
      const where = { file: '<request>', path: `components[${i}].routes[${j}].hostname` };
      if (r.hostname === '') {
        throw new DefinitionError(where, 'a public route needs a hostname under an allowed domain');
      }
      try {
        const hostname = checkPublicHostname(r.hostname, allowedDomains);
        out.push({ component: c.name, route: r.name, hostname, listenerPort: r.port });
      } catch (err) {
        throw new DefinitionError(where, (err as Error).message, { cause: err });
      }
    }),
  );
  return out;
}

/**
 * The public routes a running service reports (its public port bindings), hostnames normalised;
 * a binding whose hostname is not under `allowedDomains` (the config changed since) is left out.
 */
export function publicRoutesOf(
  status: ServiceStatus,
  allowedDomains: readonly string[],
): PublicRoute[] {
  const out: PublicRoute[] = [];
  for (const c of status.components) {
    for (const p of c.ports) {
      if (!p.public) continue;
      try {
        const hostname = checkPublicHostname(p.hostname, allowedDomains);
        out.push({ component: c.name, route: p.route, hostname, listenerPort: p.listenerPort });
      } catch {
        continue;
      }
    }
  }
  return out;
}

/**
 * The edge routes of a deployed service: each public port binding the node reported, pointing
 * at the node's address and the route's host port. Hostnames are normalised as `wanted` has them.
 */
export function edgeRoutesOf(
  status: ServiceStatus,
  wanted: readonly PublicRoute[],
): { routes: EdgeRoute[]; missing: PublicRoute[] } {
  const routes: EdgeRoute[] = [];
  const missing: PublicRoute[] = [];
  for (const want of wanted) {
    const component = status.components.find((c) => c.name === want.component);
    const port = component?.ports.find((p) => p.route === want.route && p.public);
    if (!port) {
      missing.push(want);
      continue;
    }
    routes.push({
      hostname: want.hostname,
      listenerPort: want.listenerPort,
      backend: `${port.hostIp}:${port.hostPort}`,
      mode: port.mode,
      backendTls: false,
      service: status.name,
      node: status.node,
      tlsCertPath: '',
      tlsKeyPath: '',
      tlsNotAfterMs: 0,
    });
  }
  return { routes, missing };
}

/** Where a service's public route is served now, for drift: `host:port` by edge route key. */
export function publicBackends(status: ServiceStatus): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of status.components) {
    for (const p of c.ports) {
      if (!p.public) continue;
      out.set(edgeKey(p.listenerPort, p.hostname), `${p.hostIp}:${p.hostPort}`);
    }
  }
  return out;
}

/** The key of an edge route: listener port and hostname as DNS compares them. */
export function edgeKey(listenerPort: number, hostname: string): string {
  return `${listenerPort} ${dnsName(hostname)}`;
}
