// Routes of one service that would take the same key (listener port, hostname) on a proxy: the
// compute node's, where every component of the service runs, or the edge's for public routes.
// Refused up front, since the second route would silently replace the first.
import type { ServiceSpec } from '@mcp/proto';

/** A route as it lands on a proxy: its field path and key. */
interface Placed {
  path: string;
  port: number;
  hostname: string;
}

/**
 * Two routes of the service on the same listener with the same effective hostname on the
 * compute node's proxy: '' (the internal `<service>.svc.mcp.<zone>`) for a route without a
 * hostname and for every public route (its public name is the edge's), else the hostname
 * lower-cased without a trailing dot. And two public routes with the same listener and public
 * hostname, which collide on the edge. One violation per route, naming the route it meets.
 */
export function checkRouteCollisions(spec: ServiceSpec): { path: string; reason: string }[] {
  const out: { path: string; reason: string }[] = [];
  const local = new Map<string, Placed>();
  const edge = new Map<string, Placed>();

  spec.components.forEach((c, i) => {
    c.routes.forEach((r, k) => {
      const path = `components[${i}].routes[${k}]`;
      const name = normalise(r.hostname);
      const here: Placed = { path, port: r.port, hostname: r.public ? '' : name };

      // The edge first: for two public routes it is the more telling clash.
      const onEdge = r.public ? meet(edge, { path, port: r.port, hostname: name }) : undefined;
      const onNode = meet(local, here);
      const other = onEdge ?? onNode;
      if (!other) return;
      const which = onEdge
        ? `public hostname '${name}'`
        : here.hostname === ''
          ? 'the internal hostname'
          : `hostname '${here.hostname}'`;
      out.push({
        path,
        reason: `listener ${r.port} with ${which} is already used by ${other.path}`,
      });
    });
  });
  return out;
}

/** The route already holding `route`'s key in `table`, else records `route` there. */
function meet(table: Map<string, Placed>, route: Placed): Placed | undefined {
  const key = `${route.port} ${route.hostname}`;
  const held = table.get(key);
  if (held) return held;
  table.set(key, route);
  return undefined;
}

function normalise(hostname: string): string {
  const lower = hostname.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
