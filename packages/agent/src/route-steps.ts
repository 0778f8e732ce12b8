// The `routes` step of each operation: the service's routes registered on, or released from,
// the node's mc-proxy, and what was changed said in the step's detail.
import { syncRoutes, type ProxyClient } from '@mcp/mcproxy';
import type { RouteEntry, RouteTableDiff } from '@mcp/proto';

import type { AgentConfig } from './config.js';
import type { StoredService } from './db/store.js';
import { RouteSyncError } from './errors.js';
import { describeRoutes, routeKeysOf, wantedRoutes } from './routes.js';
import type { Steps } from './steps.js';

/** What a route step needs of the agent. */
export interface RouteStepContext {
  config: AgentConfig;
  proxy?: ProxyClient;
}

/** What a sync changed, for a step's detail. */
export function describeDiff(diff: RouteTableDiff): string {
  const parts = [
    diff.add.length ? `added ${describeBackends(diff.add)}` : '',
    diff.update.length
      ? `updated ${describeBackends(diff.update.flatMap((u) => (u.desired ? [u.desired] : [])))}`
      : '',
    diff.remove.length ? `removed ${describeRoutes(diff.remove)}` : '',
  ].filter(Boolean);
  return parts.join('; ') || 'routes already in place';
}

function describeBackends(routes: readonly RouteEntry[]): string {
  return routes.map((r) => `${r.hostname}:${r.listenerPort} -> ${r.backend}`).join(', ');
}

/**
 * Registers a service's routes (start, restart) as a `routes` step. Nothing to do without a
 * proxy. A failure is a failed step: the containers run, and the route keeper registers the
 * routes again within one heartbeat interval.
 */
export async function registerStep(
  ctx: RouteStepContext,
  service: StoredService,
  steps: Steps,
): Promise<void> {
  if (!ctx.proxy) return;
  try {
    const diff = await syncRoutes(ctx.proxy, wantedRoutes(service, ctx.config));
    steps.ok('routes', describeDiff(diff));
  } catch (err) {
    const then =
      'the containers run, and the route keeper registers the routes within one heartbeat interval';
    steps.failed('routes', new RouteSyncError('register', service.row.name, then, { cause: err }));
  }
}

/**
 * Releases a service's routes (stop, undeploy) as a `routes` step. A failure does not undo the
 * operation; `then` says in the error who removes the routes left behind.
 */
export async function releaseStep(
  ctx: RouteStepContext,
  service: StoredService,
  steps: Steps,
  then: string,
): Promise<void> {
  if (!ctx.proxy) return;
  const routes = routeKeysOf(service, ctx.config);
  try {
    const diff = await syncRoutes(ctx.proxy, [], { release: routes });
    steps.ok('routes', diff.remove.length ? describeDiff(diff) : 'no routes to remove');
  } catch (err) {
    const left = `routes left on the proxy: ${describeRoutes(routes) || 'none'}; ${then}`;
    steps.failed('routes', new RouteSyncError('release', service.row.name, left, { cause: err }));
  }
}
