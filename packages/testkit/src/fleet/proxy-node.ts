// The mc-proxy of one fleet node and the certificates its routes use: a stand-in proxy on the
// node's address with the fleet's listeners, and a certificate directory filled from the
// fleet's test CA (until the certificates issue brings ACME).
import { join } from 'node:path';

import type { TestCa } from '../ca.js';
import { startMcProxy, type McProxy } from '../mcproxy/start.js';

/** What every node's proxy of one fleet shares. */
export interface FleetProxyContext {
  ca: TestCa;
  /** The fleet's zone: internal names are `<service>.svc.mcp.<zone>`. */
  zone: string;
  /** Public domains of the fleet. */
  allowedDomains: readonly string[];
  /** Listener ports of every proxy. */
  listeners: readonly number[];
  /** The `[acme]` table of every agent and edge agent, when the fleet runs Pebble. */
  acme?: Record<string, unknown>;
}

/** A node's proxy and where its certificates are. */
export interface NodeProxy {
  readonly proxy: McProxy;
  readonly certDir: string;
}

/**
 * Starts the proxy of a node in `home` and fills `<home>/certs`: a compute node gets a wildcard
 * pair for its internal names and pairs for the public domains (its own proxy serves every
 * route it registers); an edge node gets the public pairs only.
 */
export async function startNodeProxy(
  ctx: FleetProxyContext,
  home: string,
  address: string,
  role: 'compute' | 'edge',
): Promise<NodeProxy> {
  const certDir = join(home, 'certs');
  const publicNames = ctx.allowedDomains.flatMap((d) => [d, `*.${d}`]);
  const names = role === 'edge' ? publicNames : [`*.svc.mcp.${ctx.zone}`, ...publicNames];
  for (const name of names) await ctx.ca.issue({ names: [name], dir: certDir });

  const proxy = await startMcProxy({
    dir: join(home, 'px'),
    address,
    listeners: ctx.listeners,
    caFile: ctx.ca.certPath,
  });
  return { proxy, certDir };
}
