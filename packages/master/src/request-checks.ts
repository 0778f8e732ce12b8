// What the CLI sends the master is checked before any node is asked: a wrong field is refused
// as INVALID_ARGUMENT naming the field and the reason (InvalidRequestError), never forwarded.
import { isIP } from 'node:net';

import { RouteMode, type RouteEntry } from '@mcp/proto';
import { DNS_LABEL, dnsName } from '@mcp/scheduler';

import { InvalidRequestError } from './errors.js';
import { isDnsName } from './validate.js';

/** A service (or, with `what`, a component) name: a DNS label. */
export function serviceName(value: string, field = 'service', what = 'service'): string {
  if (value === '') throw new InvalidRequestError(field, 'required');
  if (!DNS_LABEL.test(value)) {
    throw new InvalidRequestError(field, `'${value}' is not a ${what} name (a DNS label)`);
  }
  return value;
}

/** A node name: a DNS label. */
export function nodeName(value: string, field = 'node'): string {
  if (value === '') throw new InvalidRequestError(field, 'required');
  if (!DNS_LABEL.test(value)) {
    throw new InvalidRequestError(field, `'${value}' is not a node name (a DNS label)`);
  }
  return value;
}

/** An optional filter: empty for every node, else a node name. */
export function optionalNode(value: string, field = 'node'): string {
  return value === '' ? '' : nodeName(value, field);
}

/** A listener port, 1..65535. */
export function listenerPort(port: number, field: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidRequestError(field, `${port} is not a port between 1 and 65535`);
  }
  return port;
}

/** A DNS name (lower-cased, one trailing dot dropped), at most 253 characters. */
export function hostname(value: string, field: string): string {
  if (value === '') throw new InvalidRequestError(field, 'required');
  const name = dnsName(value);
  if (!isDnsName(name)) throw new InvalidRequestError(field, `'${value}' is not a DNS name`);
  return name;
}

/** An optional zone filter: empty for the configured zone, else a DNS name. */
export function optionalZone(value: string, field = 'zone'): string {
  return value === '' ? '' : hostname(value, field);
}

/** A route for AddRoute: listener, hostname, backend host:port and mode, as the agents take it. */
export function routeEntry(route: RouteEntry | undefined, field = 'route'): RouteEntry {
  if (!route) throw new InvalidRequestError(field, 'required');
  const port = listenerPort(route.listenerPort, `${field}.listener_port`);
  const name = hostname(route.hostname, `${field}.hostname`);
  backend(route.backend, `${field}.backend`);
  if (route.mode !== RouteMode.ROUTE_MODE_L4 && route.mode !== RouteMode.ROUTE_MODE_L7) {
    throw new InvalidRequestError(`${field}.mode`, 'must be l4 or l7');
  }
  return { ...route, listenerPort: port, hostname: name };
}

/** The lines of log to read back: a whole number, 0 for the runtime's default. */
export function tailLines(tail: number, field = 'tail'): number {
  if (!Number.isInteger(tail) || tail < 0) {
    throw new InvalidRequestError(field, `${tail} is not a whole number of lines (0 or more)`);
  }
  return tail;
}

function backend(value: string, field: string): void {
  if (value === '') throw new InvalidRequestError(field, 'required');
  const m = /^(\[[^\]]+\]|[^:[\]]+):(\d+)$/.exec(value);
  const host = m?.[1]?.replace(/^\[(.*)\]$/, '$1') ?? '';
  const port = Number(m?.[2]);
  const hostOk = isIP(host) !== 0 || isDnsName(host.toLowerCase());
  if (!m || !hostOk || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidRequestError(field, `'${value}' is not host:port (port 1..65535)`);
  }
}
