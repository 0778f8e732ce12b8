import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import { ProxyClient, readNotAfter } from '@mcp/mcproxy';
import { EdgeRoute, RouteMode } from '@mcp/proto';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { edgeHarness, refusal, type EdgeHarness, type EdgeUnderTest } from '../test/edge.js';
import { STATE_FILE } from './state.js';

let h: EdgeHarness;
let edge: EdgeUnderTest;
let proxy: ProxyClient;
let first: string;
let second: string;

// A short interval, so that re-registration is seen within the test.
const INTERVAL = ['heartbeat_interval_ms = 200'];

beforeAll(async () => {
  h = await edgeHarness('mcp-edge-routes-');
  edge = await h.start(INTERVAL);
  proxy = new ProxyClient(h.proxy.socketPath);
  first = await h.backend('served by rift');
  second = await h.backend('served by orion');
});

afterAll(async () => {
  proxy.close();
  await h.teardown();
});

function web(backend: string): EdgeRoute {
  return EdgeRoute.fromPartial({
    hostname: 'web.example.net',
    listenerPort: h.listener,
    backend,
    mode: RouteMode.ROUTE_MODE_L7,
    service: 'web',
    node: 'rift',
  });
}

const hostnames = async () => (await proxy.listRoutes()).map((r) => r.hostname);

// One story, in order: each test starts from what the previous one left.
describe('edge routes', () => {
  it('SetupEdgeRoute lands on the proxy and a TLS request with that SNI reaches the backend', async () => {
    const out = await edge.client.setupEdgeRoute({ route: web(first) });

    expect(out.change).toBe('added');
    expect(out.route).toEqual({
      ...web(first),
      tlsCertPath: join(h.certDir, 'web.example.net.crt'),
      tlsKeyPath: join(h.certDir, 'web.example.net.key'),
      // The expiry of the test CA's pair, read from the file.
      tlsNotAfterMs: readNotAfter(join(h.certDir, 'web.example.net.crt')),
    });
    expect(out.route?.tlsNotAfterMs).toBeGreaterThan(Date.now());
    expect(await proxy.listRoutes()).toEqual([
      {
        listenerPort: h.listener,
        hostname: 'web.example.net',
        backend: first,
        mode: RouteMode.ROUTE_MODE_L7,
        backendTls: false,
        tlsCertPath: join(h.certDir, 'web.example.net.crt'),
        tlsKeyPath: join(h.certDir, 'web.example.net.key'),
      },
    ]);
    expect(await h.get('web.example.net')).toBe('served by rift');
  });

  it('edge routes are kept in edge-routes.json, mode 0600', () => {
    expect(statSync(join(h.stateDir, STATE_FILE)).mode & 0o777).toBe(0o600);
  });

  it('SetupEdgeRoute rewrites the backend of an existing route, and says when nothing changed', async () => {
    const moved = { ...web(second), node: 'orion' };

    expect((await edge.client.setupEdgeRoute({ route: moved })).change).toBe('updated');
    expect(await h.get('web.example.net')).toBe('served by orion');
    expect((await edge.client.setupEdgeRoute({ route: moved })).change).toBe('unchanged');
    expect((await edge.client.listEdgeRoutes({})).routes).toMatchObject([
      { hostname: 'web.example.net', backend: second, node: 'orion' },
    ]);
  });

  it('SetupEdgeRoute serialises concurrent calls; ListEdgeRoutes sorts by port, then hostname', async () => {
    const names = ['e', 'c', 'a', 'd', 'b'].map((n) => `${n}.example.net`);
    const calls = names.map((hostname) =>
      edge.client.setupEdgeRoute({
        route: { ...web(first), hostname, mode: RouteMode.ROUTE_MODE_L4 },
      }),
    );

    expect((await Promise.all(calls)).map((o) => o.change)).toEqual(names.map(() => 'added'));
    const listed = (await edge.client.listEdgeRoutes({})).routes.map((r) => r.hostname);
    expect(listed).toEqual([...names.sort(), 'web.example.net']);
    expect((await hostnames()).sort()).toEqual(listed.sort());
    for (const hostname of names) {
      await edge.client.removeEdgeRoute({ listenerPort: h.listener, hostname });
    }
  });

  it('the edge routes survive an edge agent restart', async () => {
    await edge.close();
    edge = await h.start(INTERVAL);

    expect((await edge.client.listEdgeRoutes({})).routes).toMatchObject([
      { hostname: 'web.example.net', backend: second, service: 'web', node: 'orion' },
    ]);
  });

  it('the next re-sync puts the routes back on a proxy that lost its database', async () => {
    await h.proxy.stop();
    await rm(h.proxy.dbPath, { force: true });
    await h.proxy.start();

    await expect.poll(hostnames, { timeout: 5_000, interval: 100 }).toEqual(['web.example.net']);
    expect(await h.get('web.example.net')).toBe('served by orion');
  });

  it('SetupEdgeRoute answers UNAVAILABLE naming the socket when the proxy is down, changing nothing', async () => {
    const before = await edge.client.listEdgeRoutes({});
    await h.proxy.stop();

    const err = await refusal(() =>
      edge.client.setupEdgeRoute({
        route: { ...web(first), hostname: 'new.example.net', mode: RouteMode.ROUTE_MODE_L4 },
      }),
    );
    const moved = await refusal(() => edge.client.setupEdgeRoute({ route: web(first) }));
    await h.proxy.start();

    expect(err.code).toBe(Status.UNAVAILABLE);
    expect(err.details).toContain(h.proxy.socketPath);
    expect(moved.code).toBe(Status.UNAVAILABLE);
    expect(await edge.client.listEdgeRoutes({})).toEqual(before);
    await expect.poll(hostnames, { timeout: 5_000, interval: 100 }).toEqual(['web.example.net']);
    expect(await h.get('web.example.net')).toBe('served by orion');
  });

  it('RemoveEdgeRoute removes the route from the edge and the proxy; absent is not an error', async () => {
    const key = { listenerPort: h.listener, hostname: 'WEB.example.net.' };

    expect(await edge.client.removeEdgeRoute(key)).toEqual({ removed: true });
    expect(await hostnames()).toEqual([]);
    expect((await edge.client.listEdgeRoutes({})).routes).toEqual([]);
    await expect(h.get('web.example.net')).rejects.toThrow();
    expect(await edge.client.removeEdgeRoute(key)).toEqual({ removed: false });
  });

  it('the re-sync leaves routes the edge does not own alone', async () => {
    await proxy.addRoute({
      listenerPort: h.listener,
      hostname: 'operator.example.net',
      backend: first,
      mode: RouteMode.ROUTE_MODE_L4,
      backendTls: false,
      tlsCertPath: '',
      tlsKeyPath: '',
    });

    // Three re-sync intervals.
    await new Promise((r) => setTimeout(r, 600));
    expect(await hostnames()).toEqual(['operator.example.net']);
  });
});
