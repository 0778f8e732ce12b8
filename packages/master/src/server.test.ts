// Every MasterService RPC checks its input first: a wrong field is INVALID_ARGUMENT naming the
// field and the reason, and no node hears of the call.
import { RouteMode, type RouteEntry } from '@mcp/proto';
import { ClientError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FakeAgent } from './test-support/fake-agent.js';
import { startTestMaster, type TestMaster } from './test-support/master.js';
import { serviceSpec } from './test-support/spec.js';

let m: TestMaster;
let rift: FakeAgent;

beforeAll(async () => {
  m = await startTestMaster();
  rift = await FakeAgent.start({ name: 'rift' });
  await rift.register(m.address);
});

afterAll(async () => {
  await rift.stop();
  await m.close();
});

const ROUTE: RouteEntry = {
  listenerPort: 443,
  hostname: 'web.example.net',
  backend: '127.0.0.1:20000',
  mode: RouteMode.ROUTE_MODE_L7,
  backendTls: false,
  tlsCertPath: '',
  tlsKeyPath: '',
};

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) void _;
}

const route = (change: Partial<RouteEntry>) => ({ node: 'rift', route: { ...ROUTE, ...change } });

const CASES: [string, (t: TestMaster) => Promise<unknown>, string][] = [
  ['Deploy without a spec', (t) => t.client.deploy({ dryRun: false }), 'spec: required'],
  [
    'Deploy of a spec without a name',
    (t) => t.client.deploy({ spec: { ...serviceSpec('web', 'rift'), name: '' }, dryRun: false }),
    "name: '' is not",
  ],
  [
    'Deploy of a spec without components',
    (t) => t.client.deploy({ spec: { ...serviceSpec('web'), components: [] }, dryRun: true }),
    'components: a service needs at least one component',
  ],
  ['Stop without a service', (t) => t.client.stop({ service: '' }), 'service: required'],
  ['Start of a service Web_1', (t) => t.client.start({ service: 'Web_1' }), "service: 'Web_1'"],
  ['Restart of ../etc', (t) => t.client.restart({ service: '../etc' }), 'service:'],
  ['Undeploy of a name with a space', (t) => t.client.undeploy({ service: 'a b' }), 'service:'],
  ['Status without a service', (t) => t.client.status({ service: '' }), 'service: required'],
  [
    'Logs of a component Web!',
    (t) => drain(t.client.logs({ service: 'web', component: 'Web!', follow: false, tail: 0 })),
    "component: 'Web!' is not a component name",
  ],
  [
    'Logs without a service',
    (t) => drain(t.client.logs({ service: '', component: '', follow: false, tail: 10 })),
    'service: required',
  ],
  ['ListServices of node Rift', (t) => t.client.listServices({ node: 'Rift' }), 'node:'],
  ['ListRoutes of node a/b', (t) => t.client.listRoutes({ node: 'a/b' }), 'node:'],
  ['AddRoute without a node', (t) => t.client.addRoute({ ...route({}), node: '' }), 'node:'],
  ['AddRoute without a route', (t) => t.client.addRoute({ node: 'rift' }), 'route: required'],
  [
    'AddRoute on listener port 0',
    (t) => t.client.addRoute(route({ listenerPort: 0 })),
    'route.listener_port: 0 is not a port between 1 and 65535',
  ],
  [
    'AddRoute on listener port 65536',
    (t) => t.client.addRoute(route({ listenerPort: 65536 })),
    'route.listener_port: 65536',
  ],
  [
    'AddRoute for a hostname with a space',
    (t) => t.client.addRoute(route({ hostname: 'web example' })),
    'route.hostname:',
  ],
  [
    'AddRoute to a backend without a port',
    (t) => t.client.addRoute(route({ backend: '127.0.0.1' })),
    'route.backend:',
  ],
  [
    'AddRoute to a backend on port 0',
    (t) => t.client.addRoute(route({ backend: '127.0.0.1:0' })),
    'route.backend:',
  ],
  [
    'AddRoute without a mode',
    (t) => t.client.addRoute(route({ mode: RouteMode.ROUTE_MODE_UNSPECIFIED })),
    'route.mode: must be l4 or l7',
  ],
  [
    'RemoveRoute on listener port 0',
    (t) => t.client.removeRoute({ node: 'rift', listenerPort: 0, hostname: 'web.example.net' }),
    'listener_port:',
  ],
  [
    'RemoveRoute without a hostname',
    (t) => t.client.removeRoute({ node: 'rift', listenerPort: 443, hostname: '' }),
    'hostname: required',
  ],
  [
    'ListDnsRecords of a zone with a space',
    (t) => t.client.listDnsRecords({ zone: 'bad zone' }),
    "zone: 'bad zone' is not a DNS name",
  ],
];

describe('MasterService input', () => {
  it.each(CASES)('%s is INVALID_ARGUMENT naming the field', async (_what, call, field) => {
    const before = rift.callers.length;

    const err = await call(m).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe(Status.INVALID_ARGUMENT);
    expect((err as ClientError).details).toContain(field);
    expect(rift.callers.slice(before)).toEqual([]);
  });
});
