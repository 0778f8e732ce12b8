// The health checks of a boot stage: a TCP connection to an address given, or to the host port
// the registry holds for a service's route on this node.
import { connect } from 'node:net';

import type { BootHealthCheck } from './boot-config.js';
import type { Store } from './db/store.js';

/** How long one connection attempt may take, in ms. */
const CONNECT_TIMEOUT_MS = 1_000;

/** A check as the log and the stage state name it. */
export function describeCheck(check: BootHealthCheck): string {
  if ('tcp' in check) return `tcp ${check.tcp}`;
  const { service, route } = check.tcpRoute;
  return `tcp_route ${route ? `${service}/${route}` : service}`;
}

/**
 * Runs one check once; answers undefined when it passed, else why not. A route whose service is
 * not deployed, or which holds no port, does not pass.
 */
export async function runCheck(
  check: BootHealthCheck,
  store: Store,
  address: string,
): Promise<string | undefined> {
  const targets = 'tcp' in check ? [check.tcp] : routeTargets(check.tcpRoute, store, address);
  if (typeof targets === 'string') return `${describeCheck(check)}: ${targets}`;

  for (const target of targets) {
    const why = await tcpOpen(target);
    if (why) return `${describeCheck(check)}: ${target}: ${why}`;
  }
  return undefined;
}

/** Every `address:hostPort` of the route (one per component that has it), or why there is none. */
function routeTargets(
  ref: { service: string; route: string },
  store: Store,
  address: string,
): string[] | string {
  const stored = store.get(ref.service);
  if (!stored) return `service '${ref.service}' is not deployed on this node`;
  const held = stored.ports.filter((p) => p.route === ref.route);
  if (held.length === 0) return `service '${ref.service}' has no route '${ref.route}'`;
  return held.map((p) => `${address}:${p.hostPort}`);
}

/** Opens a TCP connection and closes it at once; answers undefined on success, else why not. */
function tcpOpen(target: string): Promise<string | undefined> {
  const at = target.lastIndexOf(':');
  const host = target.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  const port = Number(target.slice(at + 1));

  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: CONNECT_TIMEOUT_MS });
    const done = (why: string | undefined) => {
      socket.destroy();
      resolve(why);
    };
    socket.once('connect', () => done(undefined));
    socket.once('timeout', () => done(`no answer within ${CONNECT_TIMEOUT_MS} ms`));
    socket.once('error', (err) => done(err.message));
  });
}
