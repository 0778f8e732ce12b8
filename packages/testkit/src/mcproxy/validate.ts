// Checks an AddRoute request the way mc-proxy does: a refused field is named in the reason.
import { isIP, isIPv6 } from 'node:net';

import { mcproxy } from '@mcp/proto';

/** A route field is malformed or missing (INVALID_ARGUMENT). */
export class RouteInvalidError extends Error {
  readonly code = 'ROUTE_INVALID';
  constructor(
    readonly field: string,
    why: string,
  ) {
    super(`${field}: ${why}`);
    this.name = 'RouteInvalidError';
  }
}

/** The route names a port the proxy does not listen on (FAILED_PRECONDITION). */
export class NoListenerError extends Error {
  readonly code = 'NO_LISTENER';
  constructor(readonly port: number) {
    super(`no listener on port ${port}`);
    this.name = 'NoListenerError';
  }
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Lower-case without one trailing dot: the form routes are stored and looked up in. */
export function normalizeHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

/** Whether `name` (normalised) is a DNS hostname: labels of letters, digits and inner hyphens. */
export function isDnsName(name: string): boolean {
  if (name === '' || name.length > 253 || isIP(name) !== 0) return false;
  return name.split('.').every((label) => LABEL.test(label));
}

/** Whether `backend` is `host:port` with a DNS name, an IPv4 address or a bracketed IPv6. */
export function isBackend(backend: string): boolean {
  const at = backend.lastIndexOf(':');
  if (at <= 0) return false;

  const host = backend.slice(0, at);
  const port = Number(backend.slice(at + 1));
  if (!/^\d{1,5}$/.test(backend.slice(at + 1)) || port < 1 || port > 65535) return false;
  if (host.startsWith('[') && host.endsWith(']')) return isIPv6(host.slice(1, -1));
  return isIP(host) === 4 || isDnsName(host.toLowerCase());
}

/** The route as it is stored, or the refusal: fields first, then the listener. */
export function checkRoute(
  route: mcproxy.Route | undefined,
  listeners: readonly number[],
): mcproxy.Route {
  if (route === undefined) throw new RouteInvalidError('route', 'required');
  const hostname = normalizeHostname(route.hostname);
  const l7 = route.mode === mcproxy.RouteMode.ROUTE_MODE_L7;

  if (!Number.isInteger(route.listenerPort) || route.listenerPort < 1) {
    throw new RouteInvalidError('listener_port', `'${route.listenerPort}' is not a port`);
  }
  if (!isDnsName(hostname)) {
    throw new RouteInvalidError('hostname', `'${route.hostname}' is not a DNS name`);
  }
  if (!isBackend(route.backend)) {
    throw new RouteInvalidError('backend', `'${route.backend}' is not host:port`);
  }
  if (!l7 && route.mode !== mcproxy.RouteMode.ROUTE_MODE_L4) {
    throw new RouteInvalidError('mode', 'must be ROUTE_MODE_L4 or ROUTE_MODE_L7');
  }
  if (l7 && route.tlsCertPath === '') {
    throw new RouteInvalidError('tls_cert_path', 'required for an L7 route');
  }
  if (l7 && route.tlsKeyPath === '') {
    throw new RouteInvalidError('tls_key_path', 'required for an L7 route');
  }
  if (!l7 && route.backendTls) {
    throw new RouteInvalidError('backend_tls', 'only an L7 route re-encrypts');
  }
  if (!listeners.includes(route.listenerPort)) throw new NoListenerError(route.listenerPort);

  return { ...route, hostname };
}
