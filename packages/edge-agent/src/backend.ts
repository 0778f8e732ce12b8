// A backend an edge route may point at (DESIGN.md section 6): on the overlay network, named by
// address or by a name of the fleet's internal zone that resolves only to overlay addresses.
import { lookup } from 'node:dns/promises';

import { DNS_LABEL, dnsName } from '@mcp/scheduler/routing';

import { Overlay } from './overlay.js';

/** Resolves a name to every address it has (all families); rejects when it has none. */
export type Resolve = (name: string) => Promise<string[]>;

/** The system resolver (getaddrinfo, as every other program on the node resolves). */
export const systemResolve: Resolve = async (name) =>
  (await lookup(name, { all: true, verbatim: true })).map((a) => a.address);

/** What a backend must satisfy. */
export interface BackendRules {
  overlay: Overlay;
  /** The internal zone, `svc.mcp.<zone>`, lower-case. */
  internalZone: string;
  resolve: Resolve;
}

/**
 * Checks `host:port` (`[v6]:port` for IPv6) and returns it with a named host lower-cased.
 * @throws Error whose message is the reason, when the backend is not acceptable.
 */
export async function checkBackend(backend: string, rules: BackendRules): Promise<string> {
  const { host, port } = splitHostPort(backend);

  // An address: inside the overlay, or refused.
  if (Overlay.isLiteral(host)) {
    if (!rules.overlay.contains(host)) {
      throw new Error(`address ${host} is outside the overlay network ${rules.overlay.cidr}`);
    }
    return backend;
  }

  // A name: in the internal zone, resolving only inside the overlay.
  const name = dnsName(host);
  const zone = rules.internalZone;
  if (!name.endsWith(`.${zone}`) || !name.split('.').every((l) => DNS_LABEL.test(l))) {
    throw new Error(`'${host}' is neither an overlay address nor a name in the zone ${zone}`);
  }
  let addresses: string[];
  try {
    addresses = await rules.resolve(name);
  } catch (err) {
    throw new Error(`'${name}' does not resolve: ${(err as Error).message}`, { cause: err });
  }
  if (addresses.length === 0) throw new Error(`'${name}' does not resolve: no addresses`);
  const outside = addresses.filter((a) => !Overlay.isLiteral(a) || !rules.overlay.contains(a));
  if (outside.length > 0) {
    throw new Error(
      `'${name}' resolves to ${outside.join(', ')}, outside the overlay network ` +
        rules.overlay.cidr,
    );
  }
  return `${name}:${port}`;
}

function splitHostPort(backend: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(backend);
  if (!m) throw new Error(`'${backend}' is not host:port ([address]:port for IPv6)`);
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`port ${port} is not between 1 and 65535`);
  if (m[1] !== undefined && !ipaddr6(host)) throw new Error(`'${host}' is not an IPv6 address`);
  return { host, port };
}

function ipaddr6(host: string): boolean {
  return Overlay.isLiteral(host) && host.includes(':');
}
