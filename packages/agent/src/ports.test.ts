import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:net';

import { RouteMode, ServiceSpec } from '@mcp/proto';
import { afterEach, describe, expect, it } from 'vitest';

import { PortCheckError, PortsExhaustedError } from './errors.js';
import { assignPorts, canBind, PortClaims } from './ports.js';

// An address of this test's own (all of 127.0.0.0/8 is loopback): the ports it takes and frees
// are not also taken by the machine's other processes, which listen on and connect from
// 127.0.0.1.
const ADDRESS = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const servers: Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** Listens on a free port of ADDRESS and answers it. */
async function occupy(port = 0): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ADDRESS, resolve);
  });
  return (server.address() as { port: number }).port;
}

function spec(routes: number): ServiceSpec {
  const route = (i: number) => ({ name: `r${i}`, port: 80, mode: RouteMode.ROUTE_MODE_L4 });
  return ServiceSpec.fromPartial({
    name: 'svc',
    components: [{ name: 'web', routes: Array.from({ length: routes }, (_, i) => route(i)) }],
  });
}

/** A range of `size` ports starting at a port free a moment ago. */
async function range(size: number): Promise<{ min: number; max: number }> {
  const probe = await occupy();
  await new Promise((r) => servers.pop()?.close(r));
  return { min: probe, max: probe + size - 1 };
}

describe('canBind', () => {
  it('canBind answers false for a port something listens on and true once it closed', async () => {
    const port = await occupy();

    expect(await canBind(ADDRESS, port)).toBe(false);
    await new Promise((r) => servers.pop()?.close(r));
    expect(await canBind(ADDRESS, port)).toBe(true);
  });

  it('canBind throws for an address this host does not have', async () => {
    await expect(canBind('192.0.2.1', 40000)).rejects.toBeInstanceOf(PortCheckError);
  });
});

describe('assignPorts', () => {
  it('assignPorts skips ports that cannot be bound and holds the ones it gave', async () => {
    const r = await range(10);
    await occupy(r.min);
    const claims = new PortClaims();

    const out = await assignPorts({
      spec: spec(2),
      previous: [],
      inUse: [r.min + 1],
      claims,
      range: r,
      address: ADDRESS,
    });

    expect(out.held.get('web')).toEqual([
      { route: 'r0', hostPort: r.min + 2 },
      { route: 'r1', hostPort: r.min + 3 },
    ]);
    expect(claims.all().sort()).toEqual([r.min + 2, r.min + 3]);
    out.claim.release();
    expect(claims.all()).toEqual([]);
  });

  it('assignPorts leaves out ports another deploy in flight holds', async () => {
    const r = await range(10);
    const claims = new PortClaims();
    const request = { previous: [], inUse: [], claims, range: r, address: ADDRESS };

    const [a, b] = await Promise.all([
      assignPorts({ ...request, spec: spec(1) }),
      assignPorts({ ...request, spec: spec(1) }),
    ]);

    expect(a.held.get('web')?.[0]?.hostPort).not.toBe(b.held.get('web')?.[0]?.hostPort);
  });

  it('assignPorts keeps the port a route held before, even when it is bound', async () => {
    const r = await range(10);
    const kept = await occupy(r.min + 5);
    const previous = [
      {
        hostPort: kept,
        service: 'svc',
        component: 'web',
        route: 'r0',
        listenerPort: 80,
        mode: 1,
        hostname: '',
        public: false,
      },
    ];

    const out = await assignPorts({
      spec: spec(2),
      previous,
      inUse: [kept],
      claims: new PortClaims(),
      range: r,
      address: ADDRESS,
    });

    expect(out.held.get('web')).toEqual([
      { route: 'r0', hostPort: kept },
      { route: 'r1', hostPort: r.min },
    ]);
  });

  it('assignPorts fails when every free port of the range is bound elsewhere', async () => {
    const r = await range(2);
    await occupy(r.min);
    await occupy(r.max);

    const out = assignPorts({
      spec: spec(1),
      previous: [],
      inUse: [],
      claims: new PortClaims(),
      range: r,
      address: ADDRESS,
    });

    await expect(out).rejects.toBeInstanceOf(PortsExhaustedError);
  });
});
