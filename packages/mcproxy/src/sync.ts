// Bring a proxy's route table in line with what its owner wants, with the scheduler's diff.
import type { RouteEntry, RouteTableDiff } from '@mcp/proto';
import { diffRoutes, routeKey } from '@mcp/scheduler/routing';

import type { ProxyClient } from './client.js';

/** What a sync may touch besides the routes it wants. */
export interface SyncOptions {
  /**
   * Routes the caller registered earlier and no longer wants: removed when still there. Every
   * other route of the proxy that is not wanted is left alone (an operator's, or another
   * owner's). Default none.
   */
  release?: readonly Pick<RouteEntry, 'listenerPort' | 'hostname'>[];
}

/**
 * Adds the wanted routes the proxy lacks, rewrites those that differ and removes the released
 * ones; resolves to the diff it applied (empty lists when the proxy was already right).
 */
export async function syncRoutes(
  proxy: ProxyClient,
  wanted: readonly RouteEntry[],
  opts: SyncOptions = {},
): Promise<RouteTableDiff> {
  const scope = new Set([...wanted, ...(opts.release ?? [])].map((r) => routeKey(asEntry(r))));
  const current = (await proxy.listRoutes()).filter((r) => scope.has(routeKey(r)));
  const diff = diffRoutes(wanted, current);

  for (const route of diff.add) await proxy.addRoute(route);
  for (const { desired } of diff.update) if (desired) await proxy.addRoute(desired);
  for (const route of diff.remove) await proxy.removeRoute(route.listenerPort, route.hostname);
  return diff;
}

/** Whether a diff changes anything. */
export function isEmptyDiff(diff: RouteTableDiff): boolean {
  return diff.add.length + diff.update.length + diff.remove.length === 0;
}

function asEntry(r: Pick<RouteEntry, 'listenerPort' | 'hostname'>): RouteEntry {
  return { backend: '', mode: 0, backendTls: false, tlsCertPath: '', tlsKeyPath: '', ...r };
}
