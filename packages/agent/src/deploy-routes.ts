// The routes of one deploy on the node's mc-proxy: registered once the containers are in place
// (released with `active = false`), and put back as they were when the deploy rolls back.
import { syncRoutes, type ProxyClient } from '@mcp/mcproxy';
import type { RouteEntry, ServiceSpec } from '@mcp/proto';

import type { PortRow, StoredService } from './db/store.js';
import type { RouteConfig } from './routes.js';
import { routeKeysOf, routesGone, wantedRoutes } from './routes.js';
import { describeDiff } from './route-steps.js';

export class DeployRoutes {
  /** Whether the proxy may have been changed, and so needs restoring on rollback. */
  private touched = false;
  private readonly next: RouteEntry[];
  /** Every route the previous deploy had, by key (registered or not). */
  private readonly before: RouteEntry[];

  /**
   * `previous`: the registry's record of the service before this deploy; `ports`: the port rows
   * this deploy records. Throws CertificateMissingError when an L7 route has no certificate.
   */
  constructor(
    private readonly proxy: ProxyClient,
    private readonly config: RouteConfig,
    private readonly spec: ServiceSpec,
    ports: PortRow[],
    private readonly previous: StoredService | undefined,
  ) {
    this.next = wantedRoutes({ spec, ports }, config);
    this.before = previous ? routeKeysOf(previous, config) : [];
  }

  /**
   * Registers the wanted routes and releases the previous deploy's routes no longer wanted;
   * with `active = false` releases them all. Resolves to the step's detail.
   */
  async apply(): Promise<string> {
    this.touched = true;
    const diff = this.spec.active
      ? await syncRoutes(this.proxy, this.next, { release: routesGone(this.before, this.next) })
      : await syncRoutes(this.proxy, [], { release: [...this.before, ...this.next] });
    return describeDiff(diff);
  }

  /**
   * Puts the previous deploy's routes back (those it had registered, when it was active) and
   * releases this deploy's others. Best effort: resolves to what the rollback step says.
   */
  async restore(): Promise<string | undefined> {
    if (!this.touched) return undefined;
    try {
      const wasActive = this.previous?.row.active ?? false;
      const old = this.previous && wasActive ? wantedRoutes(this.previous, this.config) : [];
      await syncRoutes(this.proxy, old, { release: routesGone(this.next, old) });
      return 'previous routes restored on the proxy';
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return (
        `previous routes not restored on the proxy (best effort): ${why}; the route keeper ` +
        're-registers them within one heartbeat interval'
      );
    }
  }
}
