// The route RPCs of a compute agent: the node's own mc-proxy table, for operator repairs.
import { realpathSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve, sep } from 'node:path';

import { findCertificate, type ProxyClient } from '@mcp/mcproxy';
import { RouteMode, type RouteEntry } from '@mcp/proto';
import { dnsName } from '@mcp/scheduler';

import type { Agent } from './agent.js';
import { isDnsName } from './dns-name.js';
import { InvalidRouteError, NoProxyError } from './errors.js';

/** The node's proxy. @throws NoProxyError when the config names none. */
export function requireProxy(agent: Pick<Agent, 'config' | 'proxy'>): ProxyClient {
  if (!agent.proxy) throw new NoProxyError(agent.config.name);
  return agent.proxy;
}

/** A listener port: 1..65535. @throws InvalidRouteError */
export function checkListener(port: number, field = 'listener_port'): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidRouteError(field, `${port} is not a port between 1 and 65535`);
  }
  return port;
}

/** A hostname, lower-cased and without a trailing dot. @throws InvalidRouteError */
export function checkHostname(hostname: string, field = 'hostname'): string {
  const name = dnsName(hostname);
  if (!isDnsName(name)) throw new InvalidRouteError(field, `'${hostname}' is not a DNS name`);
  return name;
}

/**
 * A route as AddRoute takes it: listener 1..65535, hostname a DNS name, backend `host:port`
 * (an IP literal, `[v6]`, or a DNS name), mode l4 or l7. An L7 route without certificate paths
 * gets the pair `findCertificate` finds in `certDir`; an L4 route carries none.
 * @throws InvalidRouteError naming the field; CertificateMissingError.
 */
export function checkRoute(route: RouteEntry | undefined, certDir: string): RouteEntry {
  if (!route) throw new InvalidRouteError('route', 'required');
  const listenerPort = checkListener(route.listenerPort, 'route.listener_port');
  const hostname = checkHostname(route.hostname, 'route.hostname');
  checkBackend(route.backend);

  if (route.mode === RouteMode.ROUTE_MODE_L4) {
    if (route.tlsCertPath || route.tlsKeyPath || route.backendTls) {
      const why = 'an l4 route passes TLS through and takes no certificate or backend TLS';
      throw new InvalidRouteError('route.mode', why);
    }
    return { ...route, listenerPort, hostname };
  }
  if (route.mode !== RouteMode.ROUTE_MODE_L7) {
    throw new InvalidRouteError('route.mode', 'must be l4 or l7');
  }

  if (!route.tlsCertPath && !route.tlsKeyPath) {
    const { certPath, keyPath } = findCertificate(certDir, hostname);
    return { ...route, listenerPort, hostname, tlsCertPath: certPath, tlsKeyPath: keyPath };
  }
  if (!route.tlsCertPath) throw new InvalidRouteError('route.tls_cert_path', 'required with a key');
  if (!route.tlsKeyPath) throw new InvalidRouteError('route.tls_key_path', 'required with a cert');
  const tlsCertPath = insideCertDir(route.tlsCertPath, 'route.tls_cert_path', certDir);
  const tlsKeyPath = insideCertDir(route.tlsKeyPath, 'route.tls_key_path', certDir);
  return { ...route, listenerPort, hostname, tlsCertPath, tlsKeyPath };
}

/**
 * A certificate or key path given by the caller, resolved (`..` and symbolic links) and kept
 * inside the node's `cert_dir`: the proxy reads it, so it must not name any other file.
 */
function insideCertDir(path: string, field: string, certDir: string): string {
  let real: string;
  let root: string;
  try {
    root = realpathSync(certDir);
    real = realpathSync(resolve(root, path));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err);
    throw new InvalidRouteError(field, `'${path}': ${why}`);
  }
  if (!real.startsWith(`${root}${sep}`)) {
    throw new InvalidRouteError(field, `'${path}' is outside the node's cert_dir '${certDir}'`);
  }
  return real;
}

function checkBackend(backend: string): void {
  const m = /^(\[[^\]]+\]|[^:[\]]+):(\d+)$/.exec(backend);
  const host = m?.[1]?.replace(/^\[(.*)\]$/, '$1') ?? '';
  const port = Number(m?.[2]);
  const hostOk = isIP(host) !== 0 || isDnsName(host.toLowerCase());
  if (!m || !hostOk || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidRouteError('route.backend', `'${backend}' is not host:port`);
  }
}
