// The edge's routes: kept in the state file, applied to the edge's mc-proxy. A change reaches
// the state file only once the proxy has taken it, so nothing half-applied is reported done.
import { syncRoutes, type ProxyClient } from '@mcp/mcproxy';
import type { EdgeRoute, RouteEntry, RouteTableDiff } from '@mcp/proto';
import { routeKey } from '@mcp/scheduler/routing';

import { Lock } from './lock.js';
import type { EdgeState, RouteKey, StateFile } from './state.js';

/** How a SetupEdgeRoute changed the edge. */
export type RouteChange = 'added' | 'updated' | 'unchanged';

/** The edge's route table: what is stored, and the proxy it is applied to. */
export class EdgeRoutes {
  private readonly lock = new Lock();
  private state: EdgeState;

  /** Loads the stored routes; nothing is sent to the proxy until a call or a re-sync. */
  constructor(
    private readonly file: StateFile,
    private readonly proxy: ProxyClient,
  ) {
    this.state = file.load();
  }

  /** Stores `route` (already checked) and applies it; replaces the route of the same key. */
  setup(route: EdgeRoute): Promise<RouteChange> {
    return this.lock.run(async () => {
      const key = keyOf(route);
      const before = this.state.routes.find((r) => keyOf(r) === key);
      if (before && sameRoute(before, route)) {
        await this.apply(this.state.routes, [], route);
        return 'unchanged';
      }

      const routes = [...this.state.routes.filter((r) => r !== before), route];
      await this.apply(routes, before ? [before] : [], route);
      return before ? 'updated' : 'added';
    });
  }

  /** Removes the route of that key from the state and the proxy; false when there was none. */
  remove(listenerPort: number, hostname: string): Promise<boolean> {
    const key = keyOf({ listenerPort, hostname });
    return this.lock.run(async () => {
      const gone = this.state.routes.find((r) => keyOf(r) === key);
      if (!gone) return false;

      await this.apply(
        this.state.routes.filter((r) => r !== gone),
        [gone],
      );
      return true;
    });
  }

  /** The stored routes, sorted by listener port, then hostname. */
  list(): EdgeRoute[] {
    return [...this.state.routes].sort(byKey);
  }

  /** Re-applies every stored route to the proxy, removing released ones; the diff applied. */
  resync(): Promise<RouteTableDiff> {
    return this.lock.run(() => this.apply(this.state.routes, []));
  }

  /**
   * Applies `routes` to the proxy, releasing `released` and the keys a failed change left
   * behind, then stores them. When the proxy fails, the stored routes stay as they were, and
   * a new `attempted` route is remembered for release: the next re-sync takes back whatever
   * part of it reached the proxy.
   */
  private async apply(routes: EdgeRoute[], released: RouteKey[], attempted?: EdgeRoute) {
    const wanted = new Set(routes.map(keyOf));
    const release = [...this.state.release, ...released].filter((k) => !wanted.has(keyOf(k)));

    let diff: RouteTableDiff;
    try {
      diff = await syncRoutes(this.proxy, routes.map(toEntry), { release: release.map(pick) });
    } catch (err) {
      const known = [...this.state.routes, ...this.state.release].map(keyOf);
      if (attempted && !known.includes(keyOf(attempted))) {
        this.save({ ...this.state, release: [...this.state.release, pick(attempted)] });
      }
      throw err;
    }

    if (routes !== this.state.routes || this.state.release.length > 0) {
      this.save({ routes, release: [] });
    }
    return diff;
  }

  private save(state: EdgeState): void {
    this.file.save(state);
    this.state = state;
  }
}

function keyOf(r: RouteKey): string {
  return routeKey(toEntry({ ...r, backend: '', mode: 0, backendTls: false }));
}

function pick(r: RouteKey): RouteKey {
  return { listenerPort: r.listenerPort, hostname: r.hostname };
}

/** The proxy's view of an edge route: everything but the service and the node. */
function toEntry(r: RouteKey & Partial<EdgeRoute>): RouteEntry {
  return {
    listenerPort: r.listenerPort,
    hostname: r.hostname,
    backend: r.backend ?? '',
    mode: r.mode ?? 0,
    backendTls: r.backendTls ?? false,
    tlsCertPath: r.tlsCertPath ?? '',
    tlsKeyPath: r.tlsKeyPath ?? '',
  };
}

function sameRoute(a: EdgeRoute, b: EdgeRoute): boolean {
  const fields = Object.keys(a) as (keyof EdgeRoute)[];
  return fields.every((f) => a[f] === b[f]);
}

function byKey(a: EdgeRoute, b: EdgeRoute): number {
  if (a.listenerPort !== b.listenerPort) return a.listenerPort - b.listenerPort;
  return a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0;
}
