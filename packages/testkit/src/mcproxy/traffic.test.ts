import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { mcproxy } from '@mcp/proto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { adminClient, route } from '../../test/mcproxy.js';
import {
  fingerprintOf,
  handshake,
  httpBackend,
  httpsBackend,
  httpsGet,
} from '../../test/tls-clients.js';
import { createTestCa, type CertificateFiles, type TestCa } from '../ca.js';
import { cleanupAll } from '../cleanup.js';
import { allocateLoopbackAddress, freePort } from '../net.js';
import { startMcProxy, type McProxy } from './start.js';

const L7 = mcproxy.RouteMode.ROUTE_MODE_L7;
const base = await mkdtemp(join(tmpdir(), 'mcp-testkit-mcproxy-traffic-'));
const address = allocateLoopbackAddress();
const servers: Server[] = [];
let ca: TestCa;
let proxy: McProxy;
let port: number;
let admin: ReturnType<typeof adminClient>;
let wildcard: CertificateFiles;

beforeAll(async () => {
  ca = await createTestCa(join(base, 'ca'));
  wildcard = await ca.issue({ names: ['*.svc.mcp.test'], dir: join(base, 'certs') });
  port = await freePort(address);
  proxy = await startMcProxy({
    dir: join(base, 'proxy'),
    address,
    listeners: [port],
    caFile: ca.certPath,
  });
  admin = adminClient(proxy.socketPath);
});

afterAll(async () => {
  admin.close();
  for (const server of servers) server.close();
  await cleanupAll();
  await rm(base, { recursive: true, force: true });
});

/** Starts a backend and remembers it for teardown. */
async function backend(started: Promise<{ port: number; server: Server }>): Promise<string> {
  const { port: backendPort, server } = await started;
  servers.push(server);
  return `${address}:${backendPort}`;
}

/** A pair as the route's certificate fields. */
function paths(pair: CertificateFiles): Pick<mcproxy.Route, 'tlsCertPath' | 'tlsKeyPath'> {
  return { tlsCertPath: pair.certPath, tlsKeyPath: pair.keyPath };
}

describe('mc-proxy stand-in traffic', () => {
  test('an L4 route relays the backend’s own certificate and bytes', async () => {
    const own = await ca.issue({ names: ['l4.svc.mcp.test'], dir: join(base, 'l4') });
    const payload = randomBytes(512 * 1024).toString('hex');
    const target = await backend(httpsBackend(address, own, (_req, res) => res.end(payload)));
    await admin.addRoute({
      route: route({ listenerPort: port, hostname: 'l4.svc.mcp.test', backend: target }),
    });

    const seen = await httpsGet(address, port, 'l4.svc.mcp.test', ca.certPath);

    expect(seen).toEqual({
      status: 200,
      body: payload,
      fingerprint: fingerprintOf(own.certPath),
    });
  });

  test('an L7 route presents the route’s certificate and returns the backend’s content', async () => {
    const target = await backend(
      httpBackend(address, (req, res) =>
        res.end(
          [
            `host=${req.headers.host}`,
            `proto=${String(req.headers['x-forwarded-proto'])}`,
            `xff=${String(req.headers['x-forwarded-for'])}`,
          ].join(' '),
        ),
      ),
    );
    await admin.addRoute({
      route: route({
        listenerPort: port,
        hostname: 'web.svc.mcp.test',
        backend: target,
        mode: L7,
        ...paths(wildcard),
      }),
    });

    const seen = await httpsGet(address, port, 'web.svc.mcp.test', ca.certPath);

    expect(seen.fingerprint).toBe(fingerprintOf(wildcard.certPath));
    expect(seen.status).toBe(200);
    expect(seen.body).toBe('host=web.svc.mcp.test proto=https xff=127.0.0.1');
  });

  test('an L7 route with backend_tls re-encrypts to a backend verified against the CA', async () => {
    const own = await ca.issue({ names: [address], dir: join(base, 'reencrypt'), stem: 'backend' });
    const target = await backend(
      httpsBackend(address, own, (req, res) => res.end(`secure backend saw ${req.headers.host}`)),
    );
    await admin.addRoute({
      route: route({
        listenerPort: port,
        hostname: 'tls.svc.mcp.test',
        backend: target,
        mode: L7,
        backendTls: true,
        ...paths(wildcard),
      }),
    });

    const seen = await httpsGet(address, port, 'tls.svc.mcp.test', ca.certPath);

    expect(seen.fingerprint).toBe(fingerprintOf(wildcard.certPath));
    expect(seen.body).toBe('secure backend saw tls.svc.mcp.test');
  });

  test('an L7 route with backend_tls refuses a backend whose certificate the CA did not sign', async () => {
    const stranger = await createTestCa(join(base, 'stranger-ca'));
    const own = await stranger.issue({ names: [address], dir: join(base, 'stranger') });
    const target = await backend(httpsBackend(address, own, (_req, res) => res.end('secret')));
    await admin.addRoute({
      route: route({
        listenerPort: port,
        hostname: 'untrusted.svc.mcp.test',
        backend: target,
        mode: L7,
        backendTls: true,
        ...paths(wildcard),
      }),
    });

    const seen = await httpsGet(address, port, 'untrusted.svc.mcp.test', ca.certPath);

    expect(seen.status).toBe(502);
    expect(seen.body).not.toContain('secret');
    expect(seen.body).toMatch(/certificate/i);
  });

  test('an L7 route answers 502 naming the backend when the backend refuses', async () => {
    const target = `${address}:${await freePort(address)}`;
    await admin.addRoute({
      route: route({
        listenerPort: port,
        hostname: 'down.svc.mcp.test',
        backend: target,
        mode: L7,
        ...paths(wildcard),
      }),
    });

    const seen = await httpsGet(address, port, 'down.svc.mcp.test', ca.certPath);

    expect(seen.status).toBe(502);
    expect(seen.body).toContain(`failed to reach backend '${target}'`);
  });

  test('an unknown SNI gets no content, only a refused handshake', async () => {
    const seen = await handshake(address, port, 'nobody.svc.mcp.test', ca.certPath);

    expect(seen.error?.message).toMatch(/unrecognized name/i);
    expect(seen.received).toBe(0);
  });

  test('a renewed certificate file is served without a restart', async () => {
    const target = await backend(httpBackend(address, (_req, res) => res.end('renewed')));
    const dir = join(base, 'renew');
    const first = await ca.issue({ names: ['renew.svc.mcp.test'], dir });
    await admin.addRoute({
      route: route({
        listenerPort: port,
        hostname: 'renew.svc.mcp.test',
        backend: target,
        mode: L7,
        ...paths(first),
      }),
    });
    const before = await httpsGet(address, port, 'renew.svc.mcp.test', ca.certPath);
    const pid = proxy.pid;

    const second = await ca.issue({ names: ['renew.svc.mcp.test'], dir });
    const after = await httpsGet(address, port, 'renew.svc.mcp.test', ca.certPath);

    expect(second).toEqual(first);
    expect(before.fingerprint).not.toBe(after.fingerprint);
    expect(after.fingerprint).toBe(fingerprintOf(second.certPath));
    expect(after.body).toBe('renewed');
    expect(proxy.pid).toBe(pid);
  });

  test('GetStatus counts the connections each listener accepted', async () => {
    const before = (await admin.getStatus({})).listeners[0]?.totalConnections ?? 0;

    await handshake(address, port, 'nobody.svc.mcp.test', ca.certPath);
    await handshake(address, port, 'nobody.svc.mcp.test', ca.certPath);

    const after = (await admin.getStatus({})).listeners[0];
    expect(after?.totalConnections).toBe(before + 2);
    expect(after?.routes).toBeGreaterThan(0);
  });
});
