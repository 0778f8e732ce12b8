// Every check an edge route passes before the edge keeps it (DESIGN.md section 6): the public
// hostname, the listener, the mode, the backend, and for L7 the certificate the edge holds.
import { findCertificate, readNotAfter, type AcmeCertificates } from '@mcp/mcproxy';
import { EdgeRoute, RouteMode } from '@mcp/proto';
import { checkPublicHostname, DNS_LABEL, PublicHostnameError } from '@mcp/scheduler/routing';

import { checkBackend, type BackendRules } from './backend.js';
import { InvalidEdgeRouteError } from './errors.js';

/** What a route is checked against, from the edge agent's config. */
export interface RouteRules extends BackendRules {
  allowedDomains: readonly string[];
  certDir: string;
  /** `[acme]`'s manager: L7 certificates are obtained before a route is kept. Default none. */
  certificates?: AcmeCertificates;
}

/**
 * A route loaded from the state file, checked at start by SetupEdgeRoute's rules except the
 * certificate (a missing one is the re-sync's to report, not a reason to drop the route).
 * @throws InvalidEdgeRouteError naming the field and the reason.
 */
export async function checkStoredRoute(route: EdgeRoute, rules: FieldRules): Promise<void> {
  await checkFields(route, rules);
}

type FieldRules = BackendRules & Pick<RouteRules, 'allowedDomains'>;

/** Every check but the certificate; the route with its hostname and backend normalised. */
async function checkFields(input: EdgeRoute | undefined, rules: FieldRules) {
  const route = EdgeRoute.fromPartial(input ?? {});
  const invalid = (field: string, reason: string, cause?: unknown) =>
    new InvalidEdgeRouteError(route, field, reason, { cause });

  // The public name first: every other message names it.
  let hostname: string;
  try {
    hostname = checkPublicHostname(route.hostname, rules.allowedDomains);
  } catch (err) {
    if (err instanceof PublicHostnameError) throw invalid('hostname', err.reason, err);
    throw err;
  }

  const port = route.listenerPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalid('listener_port', `${port} is not between 1 and 65535`);
  }
  const l7 = route.mode === RouteMode.ROUTE_MODE_L7;
  if (!l7 && route.mode !== RouteMode.ROUTE_MODE_L4) {
    throw invalid('mode', 'must be ROUTE_MODE_L4 or ROUTE_MODE_L7');
  }
  if (!l7 && route.backendTls) {
    throw invalid('backend_tls', 'only an L7 route re-encrypts; L4 passes TLS through');
  }
  // The owner: a service and its node, or neither (a route set up by hand).
  for (const field of ['service', 'node'] as const) {
    const value = route[field];
    if (value !== '' && !DNS_LABEL.test(value)) {
      throw invalid(field, `'${value}' is not a name (a DNS label) or empty`);
    }
  }
  if ((route.service === '') !== (route.node === '')) {
    throw invalid('node', 'service and node are given together (both empty: a route by hand)');
  }

  let backend: string;
  try {
    backend = await checkBackend(route.backend, rules);
  } catch (err) {
    throw invalid('backend', (err as Error).message, err);
  }

  return { route, hostname, backend, l7 };
}

/**
 * The route as the edge keeps it: hostname normalised, backend checked, certificate paths set
 * for L7 (cleared for L4).
 * @throws InvalidEdgeRouteError naming the field and the reason.
 * @throws CertificateMissingError when an L7 route's hostname has no certificate in cert_dir.
 * @throws CertificateOrderError when, with `[acme]`, the ACME server gave no certificate.
 */
export async function checkEdgeRoute(
  input: EdgeRoute | undefined,
  rules: RouteRules,
): Promise<EdgeRoute> {
  const { route, hostname, backend, l7 } = await checkFields(input, rules);

  // L7: the edge terminates TLS with its own certificate for the public name, obtained first
  // through ACME when configured (the public name only: internal names never reach an edge
  // certificate). Its expiry is read from the file when the route is answered, not stored.
  const cert = !l7
    ? { certPath: '', keyPath: '' }
    : rules.certificates
      ? await rules.certificates.ensure(hostname)
      : findCertificate(rules.certDir, hostname);
  return {
    ...route,
    tlsNotAfterMs: 0,
    hostname,
    backend,
    tlsCertPath: cert.certPath,
    tlsKeyPath: cert.keyPath,
  };
}

/** The route as answered: with the expiry of its certificate (ms; 0 for L4 or unknown). */
export function withExpiry(route: EdgeRoute): EdgeRoute {
  const l7 = route.mode === RouteMode.ROUTE_MODE_L7 && route.tlsCertPath !== '';
  return { ...route, tlsNotAfterMs: l7 ? (readNotAfter(route.tlsCertPath) ?? 0) : 0 };
}
