import { ProxyClient } from '@mcp/mcproxy';
import { AgentServiceDefinition, EdgeRoute, RouteMode } from '@mcp/proto';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { edgeHarness, refusal, type EdgeHarness, type EdgeUnderTest } from '../test/edge.js';
import { EDGE_RPCS } from './server.js';

let h: EdgeHarness;
let edge: EdgeUnderTest;
let backend: string;

beforeAll(async () => {
  h = await edgeHarness('mcp-edge-server-');
  edge = await h.start();
  backend = await h.backend('hello');
});

afterAll(() => h.teardown());

const L4 = RouteMode.ROUTE_MODE_L4;
const L7 = RouteMode.ROUTE_MODE_L7;

function route(over: Partial<EdgeRoute>): EdgeRoute {
  return EdgeRoute.fromPartial({
    hostname: 'web.example.net',
    listenerPort: h.listener,
    backend,
    mode: L7,
    service: 'web',
    node: 'rift',
    ...over,
  });
}

describe('edge AgentService', () => {
  it('edge AgentService answers HealthCheck listing the edge RPCs, without a runtime', async () => {
    expect(await edge.client.healthCheck({})).toEqual({
      node: 'edge',
      version: expect.any(String),
      runtimeOk: false,
      runtimeVersion: 'none (edge node)',
      containers: 0,
      rpcs: [
        'mcp.v1.AgentService/HealthCheck',
        'mcp.v1.AgentService/SetupEdgeRoute',
        'mcp.v1.AgentService/RemoveEdgeRoute',
        'mcp.v1.AgentService/ListEdgeRoutes',
      ],
    });
    expect(EDGE_RPCS).toHaveLength(4);
  });

  it.each([
    { method: 'Deploy', call: () => edge.client.deploy({}) },
    { method: 'Stop', call: () => edge.client.stop({ service: 'mcq' }) },
    { method: 'Start', call: () => edge.client.start({ service: 'mcq' }) },
    { method: 'Restart', call: () => edge.client.restart({ service: 'mcq' }) },
    { method: 'Undeploy', call: () => edge.client.undeploy({ service: 'mcq' }) },
    { method: 'Status', call: () => edge.client.status({ service: '' }) },
    { method: 'ListRoutes', call: () => edge.client.listRoutes({}) },
    { method: 'AddRoute', call: () => edge.client.addRoute({}) },
    { method: 'RemoveRoute', call: () => edge.client.removeRoute({}) },
  ])('edge AgentService refuses $method with FAILED_PRECONDITION', async ({ method, call }) => {
    const err = await refusal(call);

    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toBe(
      `node 'edge' is an edge node: it runs no containers; ${method} is not available here`,
    );
  });

  it('edge AgentService refuses the Logs stream with FAILED_PRECONDITION', async () => {
    const stream = edge.client.logs({ service: 'mcq', component: '', follow: false, tail: 0 });
    const err = await refusal(() => stream[Symbol.asyncIterator]().next());

    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toMatch(/Logs is not available here/);
  });

  it('edge AgentService covers every AgentService RPC, none forgotten', () => {
    const names = Object.values(AgentServiceDefinition.methods).map((m) => m.name);
    const refused = ['Deploy', 'Logs', 'Restart', 'Start', 'Status', 'Stop', 'Undeploy'];
    const routes = ['ListRoutes', 'AddRoute', 'RemoveRoute'];
    const served = EDGE_RPCS.map((r) => r.split('/')[1]);
    expect(names.sort()).toEqual([...refused, ...routes, ...served].sort());
  });
});

describe('SetupEdgeRoute', () => {
  it.each([
    {
      desc: 'a name under no allowed domain',
      over: { hostname: 'evilexample.net' },
      why: /hostname: it is not under an allowed domain \(example\.net\)/,
    },
    {
      desc: 'a wildcard',
      over: { hostname: '*.example.net' },
      why: /hostname: wildcard names are not allowed/,
    },
    {
      desc: 'an IP literal',
      over: { hostname: '127.0.0.5' },
      why: /hostname: an IP literal is not a hostname/,
    },
    { desc: 'an IPv6 literal', over: { hostname: '[::1]' }, why: /hostname: an IP literal/ },
    {
      desc: 'an empty label',
      over: { hostname: 'web..example.net' },
      why: /hostname: the name has an empty label/,
    },
    { desc: 'no hostname', over: { hostname: '' }, why: /hostname: the hostname is empty/ },
    {
      desc: 'a backend outside the overlay',
      over: { backend: '10.1.2.3:80' },
      why: /backend: address 10\.1\.2\.3 is outside the overlay network 127\.0\.0\.0\/8/,
    },
    {
      desc: 'a backend outside the internal zone',
      over: { backend: 'web.example.org:80' },
      why: /backend: 'web\.example\.org' is neither an overlay address nor a name in the zone svc\.mcp\.test/,
    },
    {
      desc: 'a zone name that does not resolve',
      over: { backend: 'gone.svc.mcp.test:80' },
      why: /backend: 'gone\.svc\.mcp\.test' does not resolve/,
    },
    {
      desc: 'listener port 0',
      over: { listenerPort: 0 },
      why: /listener_port: 0 is not between 1 and 65535/,
    },
    {
      desc: 'no mode',
      over: { mode: RouteMode.ROUTE_MODE_UNSPECIFIED },
      why: /mode: must be ROUTE_MODE_L4 or ROUTE_MODE_L7/,
    },
    {
      desc: 're-encryption on L4',
      over: { mode: L4, backendTls: true },
      why: /backend_tls: only an L7 route/,
    },
    {
      desc: 'a service that is not a name',
      over: { service: 'Web Shop' },
      why: /service: 'Web Shop' is not a name \(a DNS label\) or empty/,
    },
    {
      desc: 'a node that is not a name',
      over: { node: '../rift' },
      why: /node: '\.\.\/rift' is not a name/,
    },
    {
      desc: 'a service without its node',
      over: { node: '' },
      why: /node: service and node are given together/,
    },
    {
      desc: 'a 3,000-character hostname (the field survives the cut)',
      over: { hostname: `${'a'.repeat(3_000)}.example.net` },
      why: /^failed to set up edge route 'a{64}\.\.\. \(3012 characters\):\d+': hostname: .* over 253/,
    },
  ])('SetupEdgeRoute refuses $desc with INVALID_ARGUMENT and the reason', async ({ over, why }) => {
    const err = await refusal(() => edge.client.setupEdgeRoute({ route: route(over) }));

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^failed to set up edge route '.*': /);
    expect(err.details).toMatch(why);
    expect((await edge.client.listEdgeRoutes({})).routes).toEqual([]);
    expect(await proxyRoutes()).toEqual([]);
  });

  it('SetupEdgeRoute refuses a request without a route with INVALID_ARGUMENT', async () => {
    const err = await refusal(() => edge.client.setupEdgeRoute({}));

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toBe('failed to set up edge route: route: required');
  });

  it('SetupEdgeRoute refuses an L7 name without a certificate with FAILED_PRECONDITION', async () => {
    const err = await refusal(() =>
      edge.client.setupEdgeRoute({ route: route({ hostname: 'nocert.example.net' }) }),
    );

    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toMatch(
      /failed to find a certificate for 'nocert\.example\.net' in '.*certs'/,
    );
  });

  it('SetupEdgeRoute accepts EXAMPLE.NET. as example.net', async () => {
    const out = await edge.client.setupEdgeRoute({
      route: route({ hostname: 'EXAMPLE.NET.', mode: L4 }),
    });

    expect(out.change).toBe('added');
    expect(out.route).toMatchObject({ hostname: 'example.net', tlsCertPath: '', tlsKeyPath: '' });
    expect((await proxyRoutes()).map((r) => r.hostname)).toEqual(['example.net']);
    expect(
      await edge.client.removeEdgeRoute({ listenerPort: h.listener, hostname: 'Example.Net' }),
    ).toEqual({ removed: true });
  });
});

describe('RemoveEdgeRoute', () => {
  it.each([
    {
      desc: 'listener port 0',
      req: { listenerPort: 0, hostname: 'web.example.net' },
      why: /listener_port: 0 is not between 1 and 65535/,
    },
    {
      desc: 'listener port 70000',
      req: { listenerPort: 70_000, hostname: 'web.example.net' },
      why: /listener_port: 70000 is not/,
    },
    { desc: 'no hostname', req: { listenerPort: 443, hostname: '' }, why: /hostname: required/ },
    {
      desc: 'a hostname that is no DNS name',
      req: { listenerPort: 443, hostname: 'a b/../c' },
      why: /hostname: 'a b\/\.\.\/c' is not a DNS name/,
    },
    {
      desc: 'a 3,000-character hostname (the field survives the cut)',
      req: { listenerPort: 443, hostname: 'b'.repeat(3_000) },
      why: /^failed to remove edge route 'b{64}\.\.\. \(3000 characters\):443': hostname: /,
    },
  ])('RemoveEdgeRoute refuses $desc with INVALID_ARGUMENT and the reason', async ({ req, why }) => {
    const err = await refusal(() => edge.client.removeEdgeRoute(req));

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^failed to remove edge route '.*': /);
    expect(err.details).toMatch(why);
  });
});

async function proxyRoutes() {
  const proxy = new ProxyClient(h.proxy.socketPath);
  try {
    return await proxy.listRoutes();
  } finally {
    proxy.close();
  }
}
