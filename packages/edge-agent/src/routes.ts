// The edge's routes: kept in the state file, applied to the edge's mc-proxy. A change reaches
// the state file only once the proxy has taken it, so nothing half-applied is reported done.
import { findCertificate, syncRoutes, type ProxyClient } from '@mcp/mcproxy';
import { EdgeRoute, RouteMode, type RouteEntry, type RouteTableDiff } from '@mcp/proto';
import { routeKey } from '@mcp/scheduler/routing';

import { EdgeRouteTakenError } from './errors.js';
import { Lock } from './lock.js';
import type { EdgeState, RouteKey, StateFile } from './state.js';

/** How a SetupEdgeRoute changed the edge. */
export type RouteChange = 'added' | 'updated' | 'unchanged';

/** A stored route that failed its re-check at start, and why. */
export interface DroppedRoute {
  route: EdgeRoute;
  error: Error;
}

/** The edge's route table: what is stored, and the proxy it is applied to. */
export class EdgeRoutes {
  private readonly lock = new Lock();
  private state: EdgeState;

  /**
   * Loads the stored routes; nothing is sent to the proxy until a call or a re-sync. With
   * `certDir`, each re-sync points L7 routes at the pair `findCertificate` finds there now.
   */
  constructor(
    private readonly file: StateFile,
    private readonly proxy: ProxyClient,
    private readonly certDir?: string,
  ) {
    this.state = file.load();
  }

  /**
   * Stores `route` (already checked) and applies it; replaces the route of the same key when
   * the same service holds it, or nobody (a by-hand route). `edgeNode` names this node in the
   * refusal's hint.
   * @throws EdgeRouteTakenError when another service holds the key, or a service does and the
   * request is by hand (no service).
   */
  setup(route: EdgeRoute, edgeNode: string): Promise<RouteChange> {
    return this.lock.run(async () => {
      const key = keyOf(route);
      const before = this.state.routes.find((r) => keyOf(r) === key);
      if (before && before.service !== '' && before.service !== route.service) {
        throw new EdgeRouteTakenError(before, route.service === '', edgeNode);
      }
      if (before && sameRoute(before, route)) {
        await this.apply(this.state.routes, [], route);
        return 'unchanged';
      }

      const routes = [...this.state.routes.filter((r) => r !== before), route];
      await this.apply(routes, before ? [before] : [], route);
      return before ? 'updated' : 'added';
    });
  }

  /**
   * Removes the route of that key from the state and from the proxy, the proxy's too when the
   * state does not hold it (a route left by a lost state file); false when neither had it.
   */
  remove(listenerPort: number, hostname: string): Promise<boolean> {
    const key = keyOf({ listenerPort, hostname });
    return this.lock.run(async () => {
      const gone = this.state.routes.find((r) => keyOf(r) === key);

      const diff = await this.apply(
        this.state.routes.filter((r) => r !== gone),
        [gone ?? { listenerPort, hostname }],
      );
      return gone !== undefined || diff.remove.some((r) => keyOf(r) === key);
    });
  }

  /** The stored routes, sorted by listener port, then hostname. */
  list(): EdgeRoute[] {
    return [...this.state.routes].sort(byKey);
  }

  /**
   * What the proxy serves: the stored routes (one the proxy lacks is listed too: the next
   * re-sync puts it back), and the proxy's routes the state does not hold, with no service
   * and node (an operator's, or ones a lost state file left). Sorted like `list()`.
   * @throws ProxyUnavailableError when the proxy does not answer.
   */
  served(): Promise<EdgeRoute[]> {
    return this.lock.run(async () => {
      const stored = new Set(this.state.routes.map(keyOf));
      const others = (await this.proxy.listRoutes())
        .filter((r) => !stored.has(keyOf(r)))
        .map((r) => EdgeRoute.fromPartial({ ...r, service: '', node: '' }));
      return [...this.state.routes, ...others].sort(byKey);
    });
  }

  /**
   * Drops the stored routes `check` refuses (the rules changed, or the file was edited): they
   * are never applied, and the next re-sync takes them off the proxy. Call before the first
   * re-sync; resolves to the dropped routes.
   */
  recheck(check: (route: EdgeRoute) => Promise<unknown>): Promise<DroppedRoute[]> {
    return this.lock.run(async () => {
      const kept: EdgeRoute[] = [];
      const dropped: DroppedRoute[] = [];
      for (const route of this.state.routes) {
        try {
          await check(route);
          kept.push(route);
        } catch (err) {
          dropped.push({ route, error: err as Error });
        }
      }

      if (dropped.length > 0) {
        const release = [...this.state.release, ...dropped.map((d) => pick(d.route))];
        this.save({ routes: kept, release });
      }
      return dropped;
    });
  }

  /**
   * Re-applies every stored route to the proxy, removing released ones; the diff applied. An L7
   * route takes the pair `findCertificate(certDir, hostname)` finds now: its own pair, else the
   * wildcard pair of its parent (the own pair gone and ACME unable to give one), and its own
   * again once it is back. A route with neither keeps its stored paths.
   */
  resync(): Promise<RouteTableDiff> {
    return this.lock.run(() => this.apply(this.currentPairs(this.state.routes), []));
  }

  // The routes with the pairs found in certDir now; `routes` itself when none changed.
  private currentPairs(routes: EdgeRoute[]): EdgeRoute[] {
    const certDir = this.certDir;
    if (certDir === undefined) return routes;
    let changed = false;
    const current = routes.map((r) => {
      if (r.mode !== RouteMode.ROUTE_MODE_L7 || r.tlsCertPath === '') return r;
      let pair: { certPath: string; keyPath: string };
      try {
        pair = findCertificate(certDir, r.hostname);
      } catch {
        return r;
      }
      if (pair.certPath === r.tlsCertPath && pair.keyPath === r.tlsKeyPath) return r;
      changed = true;
      return { ...r, tlsCertPath: pair.certPath, tlsKeyPath: pair.keyPath };
    });
    return changed ? current : routes;
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
