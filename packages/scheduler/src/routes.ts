// The diff of a proxy's desired route table against its current one. The edge agent and the
// compute agents apply it to their mc-proxy, whose routes are keyed by listener port and
// hostname; applying the same diff twice is harmless, since adding a route is an upsert.
import type { RouteEntry, RouteTableDiff } from '@mcp/proto';

import { DuplicateRouteError } from './errors.js';
import { dnsName } from './hostnames.js';

/**
 * The key of a route: its listener port and its hostname, compared as DNS names are
 * (case-insensitively, without one trailing dot).
 */
export function routeKey(route: RouteEntry): string {
  return `${route.listenerPort} ${dnsName(route.hostname)}`;
}

/**
 * The operations that turn `current` into `desired`: routes to add, routes whose backend, mode,
 * TLS or certificate paths change, and routes to remove. Each list is sorted by listener port,
 * then hostname. Routes whose only difference is the case of the hostname are left alone.
 * @throws DuplicateRouteError when one table holds two routes with the same key.
 */
export function diffRoutes(
  desired: readonly RouteEntry[],
  current: readonly RouteEntry[],
): RouteTableDiff {
  const want = byKey(desired, 'desired');
  const have = byKey(current, 'current');
  const diff: RouteTableDiff = { add: [], update: [], remove: [] };

  for (const route of [...want.values()].sort(byListener)) {
    const existing = have.get(routeKey(route));
    if (!existing) diff.add.push(route);
    else if (!sameRoute(existing, route)) diff.update.push({ current: existing, desired: route });
  }
  for (const route of [...have.values()].sort(byListener)) {
    if (!want.has(routeKey(route))) diff.remove.push(route);
  }
  return diff;
}

function byKey(routes: readonly RouteEntry[], table: 'desired' | 'current') {
  const map = new Map<string, RouteEntry>();
  for (const route of routes) {
    const key = routeKey(route);
    if (map.has(key)) throw new DuplicateRouteError(route, table);
    map.set(key, route);
  }
  return map;
}

function sameRoute(a: RouteEntry, b: RouteEntry): boolean {
  return (
    a.backend === b.backend &&
    a.mode === b.mode &&
    a.backendTls === b.backendTls &&
    a.tlsCertPath === b.tlsCertPath &&
    a.tlsKeyPath === b.tlsKeyPath
  );
}

function byListener(a: RouteEntry, b: RouteEntry): number {
  if (a.listenerPort !== b.listenerPort) return a.listenerPort - b.listenerPort;
  const ha = routeKey(a);
  const hb = routeKey(b);
  return ha < hb ? -1 : ha > hb ? 1 : 0;
}
