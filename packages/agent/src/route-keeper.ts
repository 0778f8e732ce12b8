// The route keeper: every heartbeat interval (and at start) the routes of the services in the
// registry are brought back onto the node's mc-proxy, so a proxy that lost its database gets
// them back within one interval. Only this agent's routes are touched.
import {
  CertificateRenewalError,
  ProxyUnavailableError,
  syncRoutes,
  type AcmeCertificates,
  type ProxyClient,
} from '@mcp/mcproxy';
import type { RouteEntry } from '@mcp/proto';
import { routeKey } from '@mcp/scheduler';
import type { Logger } from 'pino';

import type { AgentConfig } from './config.js';
import type { Store, StoredService } from './db/store.js';
import { l7Hostnames, routeKeysOf, wantedRoutes } from './routes.js';

/** What the keeper needs of the agent. */
export interface KeeperContext {
  config: AgentConfig;
  store: Store;
  log: Logger;
  proxy?: ProxyClient;
}

/** Runs `work` while no other operation on service `name` runs. */
export type Exclusive = (name: string, work: () => Promise<void>) => Promise<void>;

/**
 * One pass: for each active service, its wanted routes are registered where the proxy lacks or
 * differs from them (nothing else is removed); for each stopped service, its routes that no
 * active service wants are released (a stop whose release failed). Stops at the first proxy
 * that does not answer, with a warning; a service whose certificate is missing is skipped.
 */
export async function keepRoutes(ctx: KeeperContext, exclusive: Exclusive): Promise<void> {
  const { proxy, store, log } = ctx;
  if (!proxy) return;

  for (const name of store.list().map((s) => s.row.name)) {
    try {
      await exclusive(name, async () => {
        const s = store.get(name);
        if (s) await keepService(ctx, proxy, s);
      });
    } catch (err) {
      if (err instanceof ProxyUnavailableError) {
        log.warn({ err, socket: proxy.socketPath }, 'mc-proxy did not answer; routes not kept');
        return;
      }
      log.warn({ err, service: name }, 'failed to keep the routes of a service');
    }
  }
}

async function keepService(ctx: KeeperContext, proxy: ProxyClient, s: StoredService) {
  const log = ctx.log.child({ service: s.row.name });

  if (s.row.active) {
    const diff = await syncRoutes(proxy, wantedRoutes(s, ctx.config));
    for (const r of diff.add) log.info(fields(r), 'route registered again');
    for (const u of diff.update) if (u.desired) log.info(fields(u.desired), 'route rewritten');
    return;
  }

  const wanted = new Set(activeKeys(ctx));
  const release = routeKeysOf(s, ctx.config).filter((r) => !wanted.has(routeKey(r)));
  if (release.length === 0) return;
  const diff = await syncRoutes(proxy, [], { release });
  for (const r of diff.remove) log.info(fields(r), 'route of a stopped service released');
}

/**
 * Renews the certificates of the L7 hostnames of every service in the registry (stopped ones
 * too: a start registers their routes) that expire within the renewal window, or are missing.
 * Failures are a warning each; the pairs renewed are logged at info.
 */
export async function renewCertificates(
  ctx: Pick<KeeperContext, 'config' | 'store' | 'log'>,
  certificates: AcmeCertificates,
): Promise<void> {
  const hostnames = ctx.store.list().flatMap((s) => l7Hostnames(s.spec, ctx.config.zone));
  let renewed: readonly string[];
  try {
    renewed = await certificates.renewDue(hostnames);
  } catch (err) {
    if (!(err instanceof CertificateRenewalError)) {
      ctx.log.warn({ err }, 'failed to renew certificates');
      return;
    }
    for (const f of err.failures) {
      ctx.log.warn({ err: f, hostname: f.hostname }, 'failed to renew a certificate');
    }
    renewed = err.renewed;
  }
  for (const hostname of renewed) {
    const notAfterMs = certificates.notAfter(hostname);
    ctx.log.info({ hostname, notAfterMs }, 'certificate renewed');
  }
}

/** Keys of the routes every active service wants. */
function activeKeys(ctx: KeeperContext): string[] {
  return ctx.store
    .list()
    .filter((s) => s.row.active)
    .flatMap((s) => routeKeysOf(s, ctx.config).map(routeKey));
}

function fields(r: RouteEntry) {
  return { hostname: r.hostname, listenerPort: r.listenerPort, backend: r.backend };
}

/**
 * The keeper's timer: a pass now and every `intervalMs`, never two at once; unref'd, so it does
 * not keep the process alive. `stop()` clears it and waits for a pass under way.
 */
export function startRouteKeeper(
  pass: () => Promise<void>,
  intervalMs: number,
  log: Logger,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= pass()
      .catch((err: unknown) => log.warn({ err }, 'route keeper pass failed'))
      .finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();

  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
