// The real mc-proxy stand-in for this package's tests, with a route builder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { RouteMode, type RouteEntry } from '@mcp/proto';
import {
  allocateLoopbackAddress,
  cleanupAll,
  freePort,
  startMcProxy,
  type McProxy,
} from '@mcp/testkit';

/** A stand-in with two listeners in a temporary directory; `close()` removes everything. */
export async function standIn(): Promise<{
  proxy: McProxy;
  ports: number[];
  close(): Promise<void>;
}> {
  const base = await mkdtemp(join(tmpdir(), 'mcp-mcproxy-'));
  const address = allocateLoopbackAddress();
  const ports = [await freePort(address), await freePort(address)];
  const proxy = await startMcProxy({ dir: join(base, 'proxy'), address, listeners: ports });
  return {
    proxy,
    ports,
    close: async () => {
      await cleanupAll();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** An L4 route, overridden by `fields`. */
export function entry(fields: Partial<RouteEntry>): RouteEntry {
  return {
    listenerPort: 0,
    hostname: 'web.svc.mcp.test',
    backend: '127.0.0.1:9',
    mode: RouteMode.ROUTE_MODE_L4,
    backendTls: false,
    tlsCertPath: '',
    tlsKeyPath: '',
    ...fields,
  };
}
