import { NodeRole, StepStatus, type ServiceSpec, type Step } from '@mcp/proto';
import { parseServiceDefinition } from '@mcp/scheduler';
import { ClientError, Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';

import { FakeAgent } from './test-support/fake-agent.js';
import { startTestMaster, type TestMaster } from './test-support/master.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A web service on `node` with an internal route and a public one for `hostname`. */
function web(node: string, hostname = 'web.example.net', publicRoute = true): ServiceSpec {
  const toml = `
name = "web"
node = "${node}"
[[components]]
name = "web"
image = "registry.test:5000/web:v1"
[[components.routes]]
name = "internal"
port = 8443
mode = "l7"
[[components.routes]]
name = "public"
port = 443
mode = "l7"
hostname = "${hostname}"
public = ${publicRoute}
`;
  return parseServiceDefinition(toml, 'web.toml');
}

interface EdgeFleet {
  m: TestMaster;
  events: string[];
  edge: FakeAgent;
}

/** rift (ports from 20000) and orion (from 21000), edge svc. */
async function edgeFleet(edges = 1): Promise<EdgeFleet> {
  const m = await startTestMaster({ allowedDomains: ['example.net'] });
  cleanup.push(() => m.close());
  const events: string[] = [];
  const nodes = [
    { name: 'rift', portBase: 20000 },
    { name: 'orion', portBase: 21000 },
    ...Array.from({ length: edges }, (_, i) => ({
      name: i === 0 ? 'svc' : `svc${i}`,
      roles: [NodeRole.NODE_ROLE_EDGE],
    })),
  ];
  let edge: FakeAgent | undefined;
  for (const options of nodes) {
    const a = await FakeAgent.start({ ...options, events });
    cleanup.push(() => a.stop());
    await a.register(m.address);
    if (a.name === 'svc') edge = a;
  }
  if (!edge) throw new Error('no edge');
  return { m, events, edge };
}

function named(steps: Step[], name: string): Step[] {
  return steps.filter((s) => s.name === name);
}

describe('Master edge routes', () => {
  it('deploy points the public hostname at the node and host port of its route', async () => {
    const f = await edgeFleet();

    const out = await f.m.client.deploy({ spec: web('rift') });

    const [edge] = named(out.steps, 'edge');
    expect(edge).toMatchObject({ node: 'svc', status: StepStatus.STEP_STATUS_OK });
    expect(edge?.detail).toBe('web.example.net:443 -> 127.0.0.1:20001 (added)');
    expect([...f.edge.edgeRoutes.values()]).toEqual([
      expect.objectContaining({ hostname: 'web.example.net', backend: '127.0.0.1:20001' }),
    ]);
    expect(f.edge.edgeRoutes.get('443 web.example.net')).toMatchObject({
      service: 'web',
      node: 'rift',
      listenerPort: 443,
    });
  });

  it('a move rewrites the edge route before the old node is left', async () => {
    const f = await edgeFleet();
    await f.m.client.deploy({ spec: web('rift') });
    f.events.length = 0;

    const out = await f.m.client.deploy({ spec: web('orion') });

    expect(f.events).toEqual([
      'orion:deploy:web',
      'svc:setupEdgeRoute:web.example.net=127.0.0.1:21001',
      'rift:undeploy:web',
    ]);
    expect(named(out.steps, 'edge')[0]?.detail).toContain('(updated)');
  });

  it('undeploy removes the node first, then the edge route', async () => {
    const f = await edgeFleet();
    await f.m.client.deploy({ spec: web('rift') });
    f.events.length = 0;

    const out = await f.m.client.undeploy({ service: 'web' });

    expect(f.events).toEqual(['rift:undeploy:web', 'svc:removeEdgeRoute:web.example.net']);
    expect(named(out.steps, 'edge')[0]?.detail).toBe('removed web.example.net:443');
    expect(f.edge.edgeRoutes.size).toBe(0);
  });

  it('a hostname outside the allowed domains is refused before any node is called', async () => {
    const f = await edgeFleet();

    const err = await f.m.client
      .deploy({ spec: web('rift', 'web.evilexample.net') })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe(Status.INVALID_ARGUMENT);
    expect((err as ClientError).details).toMatch(/components\[0\]\.routes\[1\]\.hostname/);
    expect((err as ClientError).details).toMatch(/web\.evilexample\.net/);
    expect(f.events).toEqual([]);
  });

  it('a route that is no longer public is removed from the edge on redeploy', async () => {
    const f = await edgeFleet();
    await f.m.client.deploy({ spec: web('rift') });

    const out = await f.m.client.deploy({ spec: web('rift', 'web.example.net', false) });

    expect(named(out.steps, 'edge')[0]?.detail).toBe('removed web.example.net:443');
    expect(f.edge.edgeRoutes.size).toBe(0);
  });

  it('a public route with no edge node registered is a failed edge step', async () => {
    const m = await startTestMaster({ allowedDomains: ['example.net'] });
    cleanup.push(() => m.close());
    const rift = await FakeAgent.start({ name: 'rift' });
    cleanup.push(() => rift.stop());
    await rift.register(m.address);

    const out = await m.client.deploy({ spec: web('rift') });

    expect(named(out.steps, 'edge')[0]).toMatchObject({
      status: StepStatus.STEP_STATUS_FAILED,
      error: 'no edge node is registered: web.example.net:443 not exposed',
    });
  });

  it('a move whose edge rewrite fails keeps the old node', async () => {
    const f = await edgeFleet();
    await f.m.client.deploy({ spec: web('rift') });
    await f.edge.stop();

    const out = await f.m.client.deploy({ spec: web('orion') });

    expect(named(out.steps, 'edge')[0]?.status).toBe(StepStatus.STEP_STATUS_FAILED);
    expect(named(out.steps, 'undeploy')[0]).toMatchObject({
      node: 'rift',
      status: StepStatus.STEP_STATUS_SKIPPED,
    });
    expect(f.events).not.toContain('rift:undeploy:web');
  });

  it('edge list reports drift when a route points away from where the service runs', async () => {
    const f = await edgeFleet();
    await f.m.client.deploy({ spec: web('rift') });
    const route = f.edge.edgeRoutes.get('443 web.example.net');
    if (!route) throw new Error('no route');
    f.edge.edgeRoutes.set('443 web.example.net', { ...route, backend: '127.0.0.1:29999' });
    f.edge.edgeRoutes.set('443 hand.example.net', {
      ...route,
      hostname: 'hand.example.net',
      service: '',
      node: '',
    });

    const out = await f.m.client.listEdgeRoutes({});

    expect(out.errors).toEqual([]);
    expect(out.routes.map((r) => [r.route?.hostname, r.drift])).toEqual([
      ['hand.example.net', ''],
      [
        'web.example.net',
        'points at rift (127.0.0.1:29999); service runs on rift (127.0.0.1:20001)',
      ],
    ]);
    const status = await f.m.client.status({ service: 'web' });
    expect(status.edgeRoutes.map((r) => r.drift)).toEqual([
      'points at rift (127.0.0.1:29999); service runs on rift (127.0.0.1:20001)',
    ]);
  });

  it('a public hostname another service holds is refused before any node is called', async () => {
    const f = await edgeFleet();
    await f.m.client.deploy({ spec: web('rift') });
    const other = { ...web('orion'), name: 'other' };
    f.events.length = 0;

    const err = await f.m.client.deploy({ spec: other, dryRun: true }).catch((e: unknown) => e);

    expect((err as ClientError).code).toBe(Status.FAILED_PRECONDITION);
    expect((err as ClientError).details).toBe(
      "failed to deploy service 'other': public hostname 'web.example.net:443' belongs to " +
        "service 'web' on edge node 'svc'; undeploy 'web' or change the hostname",
    );
    expect(f.events).toEqual([]);
  });

  it('stop removes the edge routes and start puts them back', async () => {
    const f = await edgeFleet();
    await f.m.client.deploy({ spec: web('rift') });

    const stopped = await f.m.client.stop({ service: 'web' });
    const held = f.edge.edgeRoutes.size;
    const started = await f.m.client.start({ service: 'web' });

    expect(named(stopped.steps, 'edge')[0]?.detail).toBe('removed web.example.net:443');
    expect(held).toBe(0);
    expect(named(started.steps, 'edge')[0]?.detail).toBe(
      'web.example.net:443 -> 127.0.0.1:20001 (added)',
    );
    expect(f.edge.edgeRoutes.get('443 web.example.net')?.node).toBe('rift');
  });

  it('route add on an edge node refuses a certificate: the edge picks its own', async () => {
    const f = await edgeFleet();
    const route = {
      listenerPort: 443,
      hostname: 'hand.example.net',
      backend: '127.0.0.1:20500',
      mode: 2,
      backendTls: false,
      tlsCertPath: '/etc/passwd',
      tlsKeyPath: '/etc/shadow',
    };

    const err = await f.m.client.addRoute({ node: 'svc', route }).catch((e: unknown) => e);

    expect((err as ClientError).code).toBe(Status.INVALID_ARGUMENT);
    expect((err as ClientError).details).toMatch(/edge node 'svc': route\.tls_cert_path/);
    expect(f.edge.edgeRoutes.size).toBe(0);
  });

  it('route add on an edge node goes through SetupEdgeRoute with no service', async () => {
    const f = await edgeFleet();

    const out = await f.m.client.addRoute({
      node: 'svc',
      route: {
        listenerPort: 443,
        hostname: 'hand.example.net',
        backend: '127.0.0.1:20500',
        mode: 2,
        backendTls: false,
        tlsCertPath: '',
        tlsKeyPath: '',
      },
    });
    const listed = await f.m.client.listRoutes({ node: 'svc' });

    expect(out.changed).toBe(true);
    expect(f.edge.edgeRoutes.get('443 hand.example.net')?.service).toBe('');
    expect(listed.nodes[0]?.routes.map((r) => r.hostname)).toEqual(['hand.example.net']);
    const unknown = await f.m.client.listRoutes({ node: 'nope' }).catch((e: unknown) => e);
    expect((unknown as ClientError).code).toBe(Status.NOT_FOUND);
  });
});
