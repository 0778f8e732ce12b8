import { ProxyClient } from '@mcp/mcproxy';
import { EdgeRoute, RouteMode } from '@mcp/proto';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { edgeHarness, refusal, type EdgeHarness, type EdgeUnderTest } from '../test/edge.js';

let h: EdgeHarness;
let edge: EdgeUnderTest;
let proxy: ProxyClient;
let first: string;
let second: string;

beforeAll(async () => {
  h = await edgeHarness('mcp-edge-takeover-');
  edge = await h.start();
  proxy = new ProxyClient(h.proxy.socketPath);
  first = await h.backend('served by rift');
  second = await h.backend('served by orion');
});

afterAll(async () => {
  proxy.close();
  await h.teardown();
});

function route(over: Partial<EdgeRoute>): EdgeRoute {
  return EdgeRoute.fromPartial({
    hostname: 'web.example.net',
    listenerPort: h.listener,
    backend: first,
    mode: RouteMode.ROUTE_MODE_L7,
    service: 'web',
    node: 'rift',
    ...over,
  });
}

const backends = async () =>
  Object.fromEntries((await proxy.listRoutes()).map((r) => [r.hostname, r.backend]));

// One story, in order: each test starts from what the previous one left.
describe('edge route owners', () => {
  it('SetupEdgeRoute refuses a key held by another service, naming it, and keeps the route', async () => {
    await edge.client.setupEdgeRoute({ route: route({}) });

    const err = await refusal(() =>
      edge.client.setupEdgeRoute({
        route: route({
          hostname: 'WEB.example.net',
          service: 'blog',
          node: 'orion',
          backend: second,
        }),
      }),
    );

    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toBe(
      `failed to set up edge route 'web.example.net:${h.listener}': it belongs to service 'web' ` +
        "(node 'rift'); undeploy that service or change the hostname",
    );
    expect(await backends()).toEqual({ 'web.example.net': first });
    expect(await h.get('web.example.net')).toBe('served by rift');
  });

  it('SetupEdgeRoute by hand refuses a key held by a service, with the command that frees it', async () => {
    const err = await refusal(() =>
      edge.client.setupEdgeRoute({ route: route({ service: '', node: '', backend: second }) }),
    );

    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toBe(
      `failed to set up edge route 'web.example.net:${h.listener}': it belongs to service 'web' ` +
        `(node 'rift'); remove it first with \`mcp route remove -n edge -l ${h.listener} ` +
        '-H web.example.net`',
    );
    expect(await backends()).toEqual({ 'web.example.net': first });
  });

  it('SetupEdgeRoute lets a service move its own route to another node', async () => {
    const out = await edge.client.setupEdgeRoute({
      route: route({ node: 'orion', backend: second }),
    });

    expect(out.change).toBe('updated');
    expect(await h.get('web.example.net')).toBe('served by orion');
  });

  it('SetupEdgeRoute lets a by-hand route be replaced by hand, then taken by a service', async () => {
    const L4 = RouteMode.ROUTE_MODE_L4;
    const hand = route({ hostname: 'hand.example.net', mode: L4, service: '', node: '' });

    expect((await edge.client.setupEdgeRoute({ route: hand })).change).toBe('added');
    const again = { ...hand, backend: second };
    expect((await edge.client.setupEdgeRoute({ route: again })).change).toBe('updated');
    const deploy = { ...hand, service: 'blog', node: 'rift' };
    expect((await edge.client.setupEdgeRoute({ route: deploy })).change).toBe('updated');

    expect((await edge.client.listEdgeRoutes({})).routes).toMatchObject([
      { hostname: 'hand.example.net', service: 'blog', node: 'rift', backend: first },
      { hostname: 'web.example.net', service: 'web', node: 'orion', backend: second },
    ]);
    const byHand = await refusal(() => edge.client.setupEdgeRoute({ route: again }));
    expect(byHand.code).toBe(Status.FAILED_PRECONDITION);
    expect(byHand.details).toMatch(/belongs to service 'blog' \(node 'rift'\); remove it first/);
  });
});
