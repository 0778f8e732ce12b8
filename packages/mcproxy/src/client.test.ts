import { join } from 'node:path';
import { tmpdir } from 'node:os';

import { RouteMode } from '@mcp/proto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { entry, standIn } from '../test/proxy.js';
import { ProxyClient } from './client.js';
import { ProxyUnavailableError, RouteRefusedError } from './errors.js';

let env: Awaited<ReturnType<typeof standIn>>;
let client: ProxyClient;
let port: number;

beforeAll(async () => {
  env = await standIn();
  port = env.ports[0] as number;
  client = new ProxyClient(env.proxy.socketPath);
});

afterAll(async () => {
  client.close();
  await env.close();
});

describe('ProxyClient', () => {
  test('ProxyClient adds, lists and removes routes as RouteEntry', async () => {
    const l7 = entry({
      listenerPort: port,
      hostname: 'app.svc.mcp.test',
      mode: RouteMode.ROUTE_MODE_L7,
      backendTls: true,
      tlsCertPath: '/certs/_.svc.mcp.test.crt',
      tlsKeyPath: '/certs/_.svc.mcp.test.key',
    });

    const added = [await client.addRoute(l7), await client.addRoute(l7)];
    const listed = await client.listRoutes();
    const removed = [
      await client.removeRoute(port, 'app.svc.mcp.test'),
      await client.removeRoute(port, 'app.svc.mcp.test'),
    ];

    expect(added).toEqual([true, false]);
    expect(listed).toContainEqual(l7);
    expect(removed).toEqual([true, false]);
    expect(await client.listRoutes()).not.toContainEqual(l7);
  });

  test('ProxyClient reports the proxy’s listeners and route counts', async () => {
    await client.addRoute(entry({ listenerPort: port, hostname: 'counted.svc.mcp.test' }));

    const status = await client.status();

    expect(status.listeners.map((l) => l.port)).toEqual(env.ports);
    expect(status.listeners.find((l) => l.port === port)?.routes).toBeGreaterThan(0);
  });

  test('ProxyClient raises RouteRefusedError with the proxy’s reason for a port without listener', async () => {
    const route = entry({ listenerPort: 1, hostname: 'nowhere.svc.mcp.test' });

    const err = await client.addRoute(route).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(RouteRefusedError);
    expect((err as RouteRefusedError).code).toBe('ROUTE_REFUSED');
    expect((err as RouteRefusedError).route).toEqual(route);
    expect((err as Error).message).toBe(
      "failed to add route 'nowhere.svc.mcp.test:1': no listener on port 1",
    );
  });

  test('ProxyClient raises RouteRefusedError naming the field of an L7 route without a certificate', async () => {
    const route = entry({ listenerPort: port, mode: RouteMode.ROUTE_MODE_L7 });

    const err = await client.addRoute(route).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(RouteRefusedError);
    expect((err as Error).message).toMatch(/: tls_cert_path: required for an L7 route$/);
  });

  test('ProxyClient raises ProxyUnavailableError naming the socket when none listens', async () => {
    const socketPath = join(tmpdir(), `mcp-absent-${process.pid}.sock`);
    const absent = new ProxyClient(socketPath);

    const err = await absent.listRoutes().catch((e: unknown) => e);
    absent.close();

    expect(err).toBeInstanceOf(ProxyUnavailableError);
    expect(err).toMatchObject({ code: 'PROXY_UNAVAILABLE', socketPath, operation: 'list routes' });
    expect((err as Error).message).toContain(
      `failed to list routes on mc-proxy at '${socketPath}'`,
    );
  });
});
