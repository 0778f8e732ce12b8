import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { mcproxy } from '@mcp/proto';
import { ClientError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { adminClient, route } from '../../test/mcproxy.js';
import { cleanupAll } from '../cleanup.js';
import { SocketPathTooLongError } from '../errors.js';
import { allocateLoopbackAddress, freePort } from '../net.js';
import { processAlive } from '../process.js';
import { startMcProxy, type McProxy } from './start.js';

const base = await mkdtemp(join(tmpdir(), 'mcp-testkit-mcproxy-admin-'));
let proxy: McProxy;
let port: number;
let other: number;
let admin: ReturnType<typeof adminClient>;

beforeAll(async () => {
  const address = allocateLoopbackAddress();
  port = await freePort(address);
  other = await freePort(address);
  proxy = await startMcProxy({ dir: join(base, 'proxy'), address, listeners: [port, other] });
  admin = adminClient(proxy.socketPath);
});

afterAll(async () => {
  admin.close();
  await cleanupAll();
  await rm(base, { recursive: true, force: true });
});

/** The gRPC status and details a call was refused with. */
async function refusal(call: Promise<unknown>): Promise<{ code: Status; details: string }> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ClientError)) throw new Error(`expected a refusal, got ${String(err)}`);
  return { code: err.code, details: err.details };
}

describe('mc-proxy stand-in admin API', () => {
  test('startMcProxy reports its listeners on a socket only its owner may use', async () => {
    const status = await admin.getStatus({});

    expect(status.version).toMatch(/^mc-proxy-standin\//);
    expect(status.startedAtMs).toBeGreaterThan(Date.now() - 60_000);
    expect(status.listeners.map((l) => l.address)).toEqual([
      `${proxy.address}:${port}`,
      `${proxy.address}:${other}`,
    ]);
    expect(statSync(proxy.socketPath).mode & 0o777).toBe(0o600);
  });

  test('AddRoute is an upsert: changed the first time and after an edit, not when identical', async () => {
    const r = route({
      listenerPort: port,
      hostname: 'Upsert.SVC.mcp.test.',
      backend: '127.0.0.1:81',
    });

    const first = await admin.addRoute({ route: r });
    const again = await admin.addRoute({ route: r });
    const edited = await admin.addRoute({ route: { ...r, backend: '127.0.0.1:82' } });

    expect([first.changed, again.changed, edited.changed]).toEqual([true, false, true]);
    const listed = await admin.listRoutes({ listenerPort: port });
    expect(listed.routes.filter((x) => x.hostname === 'upsert.svc.mcp.test')).toEqual([
      { ...r, hostname: 'upsert.svc.mcp.test', backend: '127.0.0.1:82' },
    ]);
  });

  test('ListRoutes sorts by listener port, then hostname, and filters by port', async () => {
    for (const [p, h] of [
      [other, 'b.list.test'],
      [port, 'z.list.test'],
      [port, 'a.list.test'],
    ]) {
      await admin.addRoute({ route: route({ listenerPort: p as number, hostname: h as string }) });
    }

    const all = (await admin.listRoutes({})).routes.map((r) => [r.listenerPort, r.hostname]);
    const mine = (await admin.listRoutes({ listenerPort: other })).routes.map((r) => r.hostname);

    expect(all).toEqual(
      [...all].sort(
        (a, b) => Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1])),
      ),
    );
    expect(all).toContainEqual([port, 'a.list.test']);
    expect(mine).toEqual(['b.list.test']);
  });

  test('RemoveRoute removes a route and is idempotent', async () => {
    await admin.addRoute({ route: route({ listenerPort: port, hostname: 'gone.svc.mcp.test' }) });

    const first = await admin.removeRoute({ listenerPort: port, hostname: 'GONE.svc.mcp.test.' });
    const second = await admin.removeRoute({ listenerPort: port, hostname: 'gone.svc.mcp.test' });

    expect([first.removed, second.removed]).toEqual([true, false]);
    const left = (await admin.listRoutes({})).routes.map((r) => r.hostname);
    expect(left).not.toContain('gone.svc.mcp.test');
  });

  test('AddRoute refuses a port without a listener with FAILED_PRECONDITION', async () => {
    const unused = await freePort(proxy.address);

    const refused = await refusal(admin.addRoute({ route: route({ listenerPort: unused }) }));

    expect(refused).toEqual({
      code: Status.FAILED_PRECONDITION,
      details: `no listener on port ${unused}`,
    });
  });

  test.each([
    [
      'an L7 route without a certificate',
      { mode: mcproxy.RouteMode.ROUTE_MODE_L7, tlsKeyPath: '/k' },
      'tls_cert_path',
    ],
    [
      'an L7 route without a key',
      { mode: mcproxy.RouteMode.ROUTE_MODE_L7, tlsCertPath: '/c' },
      'tls_key_path',
    ],
    ['a hostname that is no DNS name', { hostname: 'bad_name.test' }, 'hostname'],
    ['a wildcard hostname', { hostname: '*.svc.mcp.test' }, 'hostname'],
    ['an IP literal as hostname', { hostname: '127.0.0.1' }, 'hostname'],
    ['a backend without a port', { backend: '127.0.0.1' }, 'backend'],
    ['a backend port out of range', { backend: 'web:70000' }, 'backend'],
    ['no mode', { mode: mcproxy.RouteMode.ROUTE_MODE_UNSPECIFIED }, 'mode'],
    ['backend TLS on an L4 route', { backendTls: true }, 'backend_tls'],
  ])('AddRoute refuses %s with INVALID_ARGUMENT naming the field', async (_what, fields, field) => {
    const refused = await refusal(
      admin.addRoute({ route: route({ listenerPort: port, ...fields }) }),
    );

    expect(refused.code).toBe(Status.INVALID_ARGUMENT);
    expect(refused.details).toMatch(new RegExp(`^${field}: `));
  });

  test('startMcProxy refuses a directory whose socket path Linux cannot bind', async () => {
    const dir = join(base, 'x'.repeat(100));

    const err = await startMcProxy({ dir, address: proxy.address, listeners: [port] }).catch(
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(SocketPathTooLongError);
    expect(err).toMatchObject({
      code: 'SOCKET_PATH_TOO_LONG',
      socketPath: join(dir, 'admin.sock'),
    });
  });

  test('routes survive a restart of the program, and a deleted database starts empty', async () => {
    const kept = route({ listenerPort: other, hostname: 'kept.svc.mcp.test' });
    await admin.addRoute({ route: kept });
    const firstPid = proxy.pid;

    await proxy.stop();
    const stoppedCleanly = !processAlive(firstPid);
    await proxy.start();
    const afterRestart = (await admin.listRoutes({})).routes;
    await proxy.kill();
    await rm(proxy.dbPath);
    await proxy.start();
    const afterDelete = (await admin.listRoutes({})).routes;

    expect(stoppedCleanly).toBe(true);
    expect(proxy.pid).not.toBe(firstPid);
    expect(afterRestart).toContainEqual(kept);
    expect(afterDelete).toEqual([]);
    expect(existsSync(proxy.dbPath)).toBe(true);
  });
});
