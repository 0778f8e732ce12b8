// The routes a service wants on its node's mc-proxy: one per component route, from what the
// registry records (the definition and the host port each route holds).
import {
  findCertificate,
  readNotAfter,
  type AcmeCertificates,
  type CertificatePair,
} from '@mcp/mcproxy';
import { RouteMode, type RouteEntry, type RouteSpec, type ServiceSpec } from '@mcp/proto';
import { routeKey } from '@mcp/scheduler';

import type { AgentConfig } from './config.js';
import type { StoredService } from './db/store.js';

/** The config fields routes are made from. */
export type RouteConfig = Pick<AgentConfig, 'address' | 'certDir' | 'zone'>;

/**
 * A route's hostname on this node's proxy: `<service>.svc.mcp.<zone>` for a public route (its
 * public name belongs to the edge, and compute nodes hold certificates for internal names
 * only), else the route's own hostname, else that internal name.
 */
export function routeHostname(
  service: string,
  route: Pick<RouteSpec, 'hostname' | 'public'>,
  zone: string,
): string {
  const internal = `${service}.svc.mcp.${zone}`;
  return route.public ? internal : route.hostname || internal;
}

/**
 * The proxy routes of a service: hostname as `routeHostname`, listener the route's port,
 * backend `<address>:<host port>` of the port recorded for that route, TLS to the backend off;
 * an L7 route carries the certificate pair `findCertificate` finds in `certDir`. A route without
 * a recorded port (none after a deploy) has no backend and is left out.
 * @throws CertificateMissingError when an L7 route has no certificate pair.
 */
export function wantedRoutes(
  service: Pick<StoredService, 'spec' | 'ports'>,
  config: RouteConfig,
): RouteEntry[] {
  return routesOf(service, config, (hostname) => findCertificate(config.certDir, hostname));
}

/**
 * The routes of a service as `wantedRoutes` makes them but without certificate paths: enough to
 * release them, whose key alone counts, even when a certificate has gone since.
 */
export function routeKeysOf(
  service: Pick<StoredService, 'spec' | 'ports'>,
  config: RouteConfig,
): RouteEntry[] {
  return routesOf(service, config, () => undefined);
}

function routesOf(
  service: Pick<StoredService, 'spec' | 'ports'>,
  config: RouteConfig,
  pairOf: (hostname: string) => CertificatePair | undefined,
): RouteEntry[] {
  const { spec, ports } = service;
  const out: RouteEntry[] = [];

  for (const component of spec.components) {
    for (const route of component.routes) {
      const held = ports.find((p) => p.component === component.name && p.route === route.name);
      if (!held) continue;
      const hostname = routeHostname(spec.name, route, config.zone);
      const l7 = route.mode === RouteMode.ROUTE_MODE_L7;
      const pair = l7 ? pairOf(hostname) : undefined;
      out.push({
        listenerPort: route.port,
        hostname,
        backend: `${config.address}:${held.hostPort}`,
        mode: route.mode,
        backendTls: false,
        tlsCertPath: pair?.certPath ?? '',
        tlsKeyPath: pair?.keyPath ?? '',
      });
    }
  }
  return out;
}

/** The hostnames (on this node's proxy) of a definition's L7 routes, each once. */
export function l7Hostnames(spec: ServiceSpec, zone: string): string[] {
  const hostnames = spec.components.flatMap((c) =>
    c.routes
      .filter((r) => r.mode === RouteMode.ROUTE_MODE_L7)
      .map((r) => routeHostname(spec.name, r, zone)),
  );
  return [...new Set(hostnames)];
}

/**
 * The hostnames of a definition's L7 routes, each checked for a certificate pair, before any
 * port is assigned or container created.
 * @throws CertificateMissingError naming the first hostname without one and the directory.
 */
export function requireCertificates(spec: ServiceSpec, config: RouteConfig): string[] {
  const hostnames = l7Hostnames(spec, config.zone);
  for (const hostname of hostnames) findCertificate(config.certDir, hostname);
  return hostnames;
}

/**
 * Obtains (ACME `ensure`) the pair of each L7 hostname of a definition, one after another, and
 * says in the step's detail which were ordered now and which existing pairs were kept, and when
 * each expires: `obtained for a (valid until ...); kept for b (valid until ...)`.
 * @throws CertificateOrderError for the first hostname the ACME server gave none.
 */
export async function obtainCertificates(
  spec: ServiceSpec,
  config: RouteConfig,
  certificates: AcmeCertificates,
): Promise<string> {
  const obtained: string[] = [];
  const kept: string[] = [];
  for (const hostname of l7Hostnames(spec, config.zone)) {
    const pair = await certificates.ensure(hostname);
    const part = `${hostname} (valid until ${new Date(pair.notAfterMs).toISOString()})`;
    (pair.ordered ? obtained : kept).push(part);
  }
  const parts = [
    ...(obtained.length ? [`obtained for ${obtained.join(', ')}`] : []),
    ...(kept.length ? [`kept for ${kept.join(', ')}`] : []),
  ];
  return parts.length ? parts.join('; ') : 'no L7 routes';
}

/** When the pair an L7 route on `hostname` uses expires (ms); 0 when unknown or absent. */
export function certificateExpiry(certDir: string, hostname: string): number {
  try {
    return readNotAfter(findCertificate(certDir, hostname).certPath) ?? 0;
  } catch {
    return 0;
  }
}

/** The routes of `before` whose key `after` does not hold: to release from the proxy. */
export function routesGone(before: readonly RouteEntry[], after: readonly RouteEntry[]) {
  const kept = new Set(after.map(routeKey));
  return before.filter((r) => !kept.has(routeKey(r)));
}

/** `hostname:listener` of each route, for step details and logs. */
export function describeRoutes(routes: readonly Pick<RouteEntry, 'hostname' | 'listenerPort'>[]) {
  return routes.map((r) => `${r.hostname}:${r.listenerPort}`).join(', ');
}
