// Issue 5 end to end: two compute nodes and an edge node, each with its own mc-proxy stand-in.
// A public route reaches the container through the edge, follows the service when it moves,
// and is gone after undeploy; the proxies keep their routes across a restart and get them back
// from the agent after losing their database.
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';

import { ProxyClient } from '@mcp/mcproxy';
import {
  startFleet,
  type Fleet,
  type FleetAgent,
  type FleetEdge,
  type McProxy,
} from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { masterClient, waitUntil, writeSrvFile } from './helpers.js';

const HOST = 'web.example.net';
/** The public route's name on a compute node's own proxy: the public name is the edge's. */
const INTERNAL = 'web.svc.mcp.mcp.test';

let fleet: Fleet;
let rift: FleetAgent;
let orion: FleetAgent;
let svc: FleetEdge;
let master: ReturnType<typeof masterClient>;
let ca: Buffer;

beforeAll(async () => {
  fleet = await startFleet({ nodes: ['rift', 'orion'], edges: ['svc'] });
  rift = fleet.agents.rift as FleetAgent;
  orion = fleet.agents.orion as FleetAgent;
  svc = fleet.edges.svc as FleetEdge;
  master = masterClient(fleet);
  ca = readFileSync(fleet.ca.certPath);
  for (const node of [rift, orion])
    writeSrvFile(node, 'web', 'index.html', `web on ${node.name}\n`);
});

afterAll(async () => {
  await fleet?.stop();
});

/** The service with a public L7 route on 443 and an internal L4-free route on 8443. */
function web(node: string): string {
  return `
name = "web"
node = "${node}"

[[components]]
name = "web"
image = "${fleet.images.v1}"
volumes = ["/srv/web:/srv/web"]
cmd = ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p $PORT_PUBLIC -h /srv/web & wait"]

[[components.routes]]
name = "public"
port = 443
mode = "l7"
hostname = "${HOST}"
public = true
`;
}

/** GET / through a proxy at `address`:443 with SNI `servername`, trusting the fleet's CA. */
function through(address: string, servername = HOST): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address,
        port: 443,
        path: '/index.html',
        servername,
        ca,
        agent: false,
        timeout: 5000,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

async function edgeBackend(): Promise<string | undefined> {
  const { routes } = await master.listEdgeRoutes({});
  return routes.find((r) => r.route?.hostname === HOST)?.route?.backend;
}

async function routesFor(proxy: McProxy, hostname: string) {
  const client = new ProxyClient(proxy.socketPath);
  try {
    return (await client.listRoutes()).filter((r) => r.hostname === hostname);
  } finally {
    client.close();
  }
}

describe('edge routing across the fleet', () => {
  it('a public route reaches the container on rift through the edge', async () => {
    fleet.writeService('web', web('rift'));

    const out = await fleet.mcp(['deploy', 'web']);

    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^edge\s+svc\s+OK\s+web\.example\.net:443 -> 127\./m);
    expect(await through(svc.address)).toEqual({ status: 200, body: 'web on rift\n' });
    expect((await edgeBackend())?.startsWith(`${rift.address}:`)).toBe(true);
    const list = await fleet.mcp(['edge', 'list']);
    expect(list.code, list.stdout + list.stderr).toBe(0);
    expect(list.stdout).toMatch(/svc\s+web\.example\.net\s+443\s+l7\s+127\.\S+\s+web\s+rift\s+ok/);
  });

  it('a move to orion rewrites the edge route while requests keep being answered', async () => {
    let stop = false;
    const seen = { ok: 0, failed: 0, errors: new Set<string>() };
    const loop = (async () => {
      // Bounded: it stops when the move is done, and after 2,000 requests or 90 s in any case.
      const end = Date.now() + 90_000;
      for (let i = 0; !stop && i < 2_000 && Date.now() < end; i++) {
        const r = await through(svc.address).catch((e: Error) => ({ status: 0, body: e.message }));
        if (r.status === 200) seen.ok++;
        else {
          seen.failed++;
          seen.errors.add(`${r.status} ${r.body.trim().slice(0, 80)}`);
        }
        await new Promise((res) => setTimeout(res, 20));
      }
    })();

    fleet.writeService('web', web('orion'));
    const out = await fleet.mcp(['deploy', 'web']);
    await new Promise((res) => setTimeout(res, 500));
    stop = true;
    await loop;

    expect(out.code, out.stdout + out.stderr).toBe(0);
    console.log(
      `move rift -> orion: ${seen.ok} requests answered, ${seen.failed} failed` +
        (seen.errors.size ? ` (${[...seen.errors].join('; ')})` : ''),
    );
    expect(await through(svc.address)).toEqual({ status: 200, body: 'web on orion\n' });
    expect((await edgeBackend())?.startsWith(`${orion.address}:`)).toBe(true);
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.failed).toBeLessThanOrEqual(2);
    expect(await routesFor(rift.proxy as McProxy, INTERNAL)).toEqual([]);
    expect(await routesFor(orion.proxy as McProxy, HOST)).toEqual([]);
  });

  it('the proxies keep their routes across a restart and get them back after losing them', async () => {
    const proxy = orion.proxy as McProxy;
    await proxy.stop();
    await proxy.start();
    expect(await routesFor(proxy, INTERNAL)).toHaveLength(1);

    await proxy.stop();
    rmSync(proxy.dbPath, { force: true });
    await proxy.start();
    await waitUntil(
      async () => (await routesFor(proxy, INTERNAL)).length === 1,
      'orion route back',
      10_000,
    );

    await svc.proxy.stop();
    rmSync(svc.proxy.dbPath, { force: true });
    await svc.proxy.start();
    await waitUntil(
      async () => (await routesFor(svc.proxy, HOST)).length === 1,
      'edge route back',
      10_000,
    );
    expect(await through(svc.address)).toEqual({ status: 200, body: 'web on orion\n' });
  });

  it('undeploy: the request fails and no proxy has a route for the hostname', async () => {
    const out = await fleet.mcp(['undeploy', 'web']);

    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^edge\s+svc\s+OK\s+removed web\.example\.net:443/m);
    await expect(through(svc.address)).rejects.toThrow();
    for (const proxy of [rift.proxy, orion.proxy, svc.proxy]) {
      expect(await routesFor(proxy as McProxy, HOST)).toEqual([]);
      expect(await routesFor(proxy as McProxy, INTERNAL)).toEqual([]);
    }
    const routes = await fleet.mcp(['route', 'list', '--json']);
    expect(routes.code, routes.stderr).toBe(0);
    expect(routes.stdout).not.toContain(HOST);
  });
});
