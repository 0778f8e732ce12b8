import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { ProxyClient } from '@mcp/mcproxy';
import { EdgeRoute, RouteMode } from '@mcp/proto';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { edgeHarness, refusal, type EdgeHarness, type EdgeUnderTest } from '../test/edge.js';
import { STATE_FILE, StateFile } from './state.js';

let h: EdgeHarness;
let edge: EdgeUnderTest | undefined;
let proxy: ProxyClient;
let backend: string;

// A long interval: a route taken off the proxy stays off while a test looks.
const INTERVAL = ['heartbeat_interval_ms = 60000'];

beforeAll(async () => {
  h = await edgeHarness('mcp-edge-lost-');
  proxy = new ProxyClient(h.proxy.socketPath);
  backend = await h.backend('hello');
});

afterAll(async () => {
  proxy.close();
  await h.teardown();
});

function route(over: Partial<EdgeRoute>): EdgeRoute {
  return EdgeRoute.fromPartial({
    hostname: 'web.example.net',
    listenerPort: h.listener,
    backend,
    mode: RouteMode.ROUTE_MODE_L4,
    service: 'web',
    node: 'rift',
    ...over,
  });
}

/** Restarts the edge agent, first changing its state file with `change`. */
async function restart(change: () => void): Promise<EdgeUnderTest> {
  await edge?.close();
  change();
  edge = await h.start(INTERVAL);
  return edge;
}

const hostnames = async () => (await proxy.listRoutes()).map((r) => r.hostname).sort();

// One story, in order: each test starts from what the previous one left.
describe('edge routes after a lost state file', () => {
  it('ListEdgeRoutes lists a proxy route the lost state no longer holds, without owner', async () => {
    const e = await restart(() => undefined);
    await e.client.setupEdgeRoute({ route: route({}) });

    const after = await restart(() => rmSync(join(h.stateDir, STATE_FILE)));

    expect((await after.client.listEdgeRoutes({})).routes).toEqual([
      { ...route({}), service: '', node: '' },
    ]);
  });

  it('RemoveEdgeRoute removes from the proxy a route the state does not hold', async () => {
    const key = { listenerPort: h.listener, hostname: 'Web.example.net.' };

    expect(await edge?.client.removeEdgeRoute(key)).toEqual({ removed: true });
    expect(await hostnames()).toEqual([]);
    expect(await edge?.client.removeEdgeRoute(key)).toEqual({ removed: false });
  });

  it('ListEdgeRoutes lists a stored route the proxy lost, and an operator route, sorted', async () => {
    await edge?.client.setupEdgeRoute({ route: route({}) });
    await proxy.removeRoute(h.listener, 'web.example.net');
    const operator = { ...route({ hostname: 'op.example.net' }), tlsCertPath: '', tlsKeyPath: '' };
    await proxy.addRoute({ ...operator, backendTls: false });

    expect((await edge?.client.listEdgeRoutes({}))?.routes).toEqual([
      { ...operator, service: '', node: '' },
      route({}),
    ]);
  });

  it('ListEdgeRoutes answers UNAVAILABLE naming the socket when the proxy is down', async () => {
    await h.proxy.stop();
    const err = await refusal(async () => edge?.client.listEdgeRoutes({}));
    await h.proxy.start();

    expect(err.code).toBe(Status.UNAVAILABLE);
    expect(err.details).toContain(h.proxy.socketPath);
  });

  it('the edge agent drops stored routes that fail the rules at start, and releases them', async () => {
    const good = route({ hostname: 'good.example.net' });
    const foreign = route({ hostname: 'web.example.org' });
    const outside = route({ hostname: 'out.example.net', backend: '10.1.2.3:80' });
    const l9 = route({ hostname: 'l9.example.net', mode: 9 as RouteMode });
    await proxy.addRoute({ ...foreign, backendTls: false });

    const e = await restart(() => {
      mkdirSync(h.stateDir, { recursive: true });
      new StateFile(h.stateDir).save({ routes: [good, foreign, outside, l9], release: [] });
    });

    await expect
      .poll(hostnames, { timeout: 5_000, interval: 100 })
      .toEqual(['good.example.net', 'op.example.net']);
    expect((await e.client.listEdgeRoutes({})).routes).toEqual([
      good,
      { ...route({ hostname: 'op.example.net' }), service: '', node: '' },
    ]);
    expect(new StateFile(h.stateDir).load()).toEqual({ routes: [good], release: [] });
  });
});
