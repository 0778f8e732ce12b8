// `mcp route list` for people: one row per proxy route of each node. Code of the `route` topic.
import type { NodeRoutes, RouteEntry } from '@mcp/proto';

import { routeMode, table } from '../../index.js';

const NONE = '-';

/** The route table of every node, sorted as the master sorted them. */
export function formatRoutes(nodes: readonly NodeRoutes[]): string {
  const rows = nodes.flatMap((n) => n.routes.map((r) => [n.node, ...cells(r)]));
  if (rows.length === 0) return 'No routes.';
  return table(['NODE', 'LISTENER', 'HOSTNAME', 'MODE', 'BACKEND', 'TLS'], rows);
}

function cells(r: RouteEntry): string[] {
  const tls = [r.tlsCertPath ? `cert ${r.tlsCertPath}` : '', r.backendTls ? 're-encrypt' : '']
    .filter(Boolean)
    .join(', ');
  return [String(r.listenerPort), r.hostname, routeMode(r.mode), r.backend, tls || NONE];
}
