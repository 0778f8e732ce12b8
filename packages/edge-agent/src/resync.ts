// Route re-registration: the edge re-applies its stored routes to mc-proxy at start and every
// interval, so a proxy that lost its database has them back within one interval.
import type { Logger } from 'pino';

import type { EdgeRoutes } from './routes.js';

/** A running re-sync loop. */
export interface Resync {
  /** Stops the timer and waits for a re-sync in progress. */
  stop(): Promise<void>;
}

/**
 * Re-syncs now, then `intervalMs` after each re-sync ends; `before` (certificate renewal, when
 * `[acme]` is configured) runs ahead of each re-sync.
 */
export function startResync(
  routes: EdgeRoutes,
  intervalMs: number,
  log: Logger,
  before?: () => Promise<void>,
): Resync {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const once = async (): Promise<void> => {
    await before?.().catch((err: unknown) => {
      log.warn({ reason: (err as Error).message }, 'failed to renew certificates');
    });
    try {
      const diff = await routes.resync();
      for (const r of [...diff.add, ...diff.update.map((u) => u.desired)]) {
        if (r)
          log.info({ hostname: r.hostname, listenerPort: r.listenerPort }, 'route re-registered');
      }
      for (const r of diff.remove) {
        log.info({ hostname: r.hostname, listenerPort: r.listenerPort }, 'released route removed');
      }
    } catch (err) {
      // Every interval while the proxy is down: the reason alone, not the whole chain.
      log.warn({ reason: (err as Error).message }, 'proxy did not take the routes; retrying');
    }
  };

  const tick = (): void => {
    running = once().finally(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  tick();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
