// Shared by the stand-in's tests: an admin client and a route with defaults.
import { mcproxy } from '@mcp/proto';
import { createChannel, createClient } from 'nice-grpc';

/** An admin client on the stand-in's socket; `close()` it. */
export function adminClient(socketPath: string) {
  const channel = createChannel(`unix://${socketPath}`);
  const admin = createClient(mcproxy.ProxyAdminServiceDefinition, channel);
  return Object.assign(admin, { close: () => channel.close() });
}

/** An L4 route, overridden by `fields`. */
export function route(fields: Partial<mcproxy.Route>): mcproxy.Route {
  return {
    listenerPort: 0,
    hostname: 'web.svc.mcp.test',
    backend: '127.0.0.1:9',
    mode: mcproxy.RouteMode.ROUTE_MODE_L4,
    backendTls: false,
    tlsCertPath: '',
    tlsKeyPath: '',
    ...fields,
  };
}
