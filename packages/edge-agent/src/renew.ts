// Certificate renewal on the edge: the public hostnames of the stored L7 routes, renewed through
// ACME when they expire within the window, checked from the re-sync loop.
import { CertificateRenewalError, type AcmeCertificates } from '@mcp/mcproxy';
import { RouteMode } from '@mcp/proto';
import type { Logger } from 'pino';

import type { EdgeRoutes } from './routes.js';

/**
 * A check to run before each re-sync: every `intervalMs` (and at the first call) the pairs of
 * the stored L7 routes' hostnames that expire within the renewal window, or are missing, are
 * ordered again. The paths stay the same, so the routes need no change: mc-proxy re-reads a
 * pair whose file changed. Failures are warnings; the next check tries again.
 */
export function certificateRenewal(
  routes: EdgeRoutes,
  certificates: AcmeCertificates,
  intervalMs: number,
  log: Logger,
): () => Promise<void> {
  let checkedAt = 0;

  return async () => {
    if (Date.now() - checkedAt < intervalMs) return;
    checkedAt = Date.now();
    const hostnames = routes
      .list()
      .filter((r) => r.mode === RouteMode.ROUTE_MODE_L7)
      .map((r) => r.hostname);

    let renewed: readonly string[] = [];
    try {
      renewed = await certificates.renewDue(hostnames);
    } catch (err) {
      if (!(err instanceof CertificateRenewalError)) {
        log.warn({ reason: (err as Error).message }, 'failed to renew certificates');
        return;
      }
      for (const f of err.failures) {
        log.warn({ hostname: f.hostname, reason: f.reason }, 'failed to renew a certificate');
      }
      renewed = err.renewed;
    }
    for (const hostname of renewed) {
      log.info({ hostname, notAfterMs: certificates.notAfter(hostname) }, 'certificate renewed');
    }
  };
}
