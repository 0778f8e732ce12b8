// `mcp edge list` for people: one row per edge route, then what is wrong with each that drifted.
// Code of the `edge` topic only; it reaches shared code through the package's index.
import type { EdgeRouteStatus } from '@mcp/proto';

import { routeMode, table } from '../../index.js';

const NONE = '-';

/** The edge route table, then `drift: <edge> <hostname>:<port>: <why>` per drifted route. */
export function formatEdgeRoutes(routes: readonly EdgeRouteStatus[]): string {
  if (routes.length === 0) return 'No edge routes.';
  const rows = routes.map(({ edge, route, drift }) => [
    edge,
    route?.hostname || NONE,
    route?.listenerPort ? String(route.listenerPort) : NONE,
    route ? routeMode(route.mode) : NONE,
    route?.backend || NONE,
    route?.service || '(by hand)',
    route?.node || NONE,
    drift ? 'drift' : 'ok',
  ]);
  const head = ['EDGE', 'HOSTNAME', 'LISTENER', 'MODE', 'BACKEND', 'SERVICE', 'NODE', 'STATE'];
  const drifted = routes
    .filter((r) => r.drift)
    .map((r) => `drift: ${r.edge} ${r.route?.hostname}:${r.route?.listenerPort}: ${r.drift}`);
  return [table(head, rows), ...(drifted.length ? ['', ...drifted] : [])].join('\n');
}
