// Issue 8 end to end: the master registers DNS in the MCNS stand-in and the agents obtain their
// route certificates from Pebble, on a fleet of two compute nodes and an edge node.
import { readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { connect, type PeerCertificate } from 'node:tls';

import { startFleet, type Fleet, type FleetAgent, type FleetEdge } from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { waitUntil, writeSrvFile } from './helpers.js';

let fleet: Fleet;
let rift: FleetAgent;
let orion: FleetAgent;
let svc: FleetEdge;
let resolver: Resolver;

beforeAll(async () => {
  fleet = await startFleet({ nodes: ['rift', 'orion'], edges: ['svc'], mcns: true, acme: true });
  rift = fleet.agents.rift as FleetAgent;
  orion = fleet.agents.orion as FleetAgent;
  svc = fleet.edges.svc as FleetEdge;
  const dns = fleet.mcns?.dnsAddress;
  if (!dns) throw new Error('the fleet has no MCNS');
  resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`${dns.host}:${dns.port}`]);
  for (const node of [rift, orion])
    writeSrvFile(node, 'web', 'index.html', `web on ${node.name}\n`);
});

afterAll(async () => {
  await fleet?.stop();
});

/** A service with an internal L7 route on 8443 and a public L7 route on 443. */
function web(node: string, name = 'web'): string {
  return `
name = "${name}"
node = "${node}"

[[components]]
name = "web"
image = "${fleet.images.v1}"
volumes = ["/srv/${name}:/srv/${name}"]
cmd = ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p $PORT_INTERNAL -h /srv/${name} & httpd -f -p $PORT_PUBLIC -h /srv/${name} & wait"]

[[components.routes]]
name = "internal"
port = 8443
mode = "l7"

[[components.routes]]
name = "public"
port = 443
mode = "l7"
hostname = "${name}.example.net"
public = true
`;
}

/** The certificate a proxy at `address:port` presents for `servername` (not verified here). */
function presented(address: string, port: number, servername: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port, servername, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate(true);
      socket.end();
      resolve(cert);
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('timed out')));
    socket.on('error', reject);
  });
}

async function resolves(name: string): Promise<string[]> {
  return resolver.resolve4(name).catch(() => []);
}

const INTERNAL = 'web.svc.mcp.mcp.test';

describe('DNS and certificates across the fleet', () => {
  it('nodes are registered in DNS when they join', async () => {
    await waitUntil(async () => (await resolves('rift.mcp.mcp.test')).length > 0, 'rift.mcp');
    expect(await resolves('rift.mcp.mcp.test')).toEqual([rift.address]);
    expect(await resolves('orion.mcp.mcp.test')).toEqual([orion.address]);
  });

  it('a deploy registers the internal name and the node presents a Pebble certificate for it', async () => {
    fleet.writeService('web', web('rift'));

    const out = await fleet.mcp(['deploy', 'web']);

    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^dns\s+rift\s+OK/m);
    expect(await resolves(INTERNAL)).toEqual([rift.address]);
    const cert = await presented(rift.address, 8443, INTERNAL);
    expect(cert.subjectaltname).toBe(`DNS:${INTERNAL}`);
    expect(cert.issuer.CN).toMatch(/Pebble/i);
  });

  it('the edge presents a Pebble certificate for the public name only', async () => {
    const cert = await presented(svc.address, 443, 'web.example.net');

    expect(cert.subjectaltname).toBe('DNS:web.example.net');
    expect(cert.subjectaltname).not.toContain('.svc.mcp.');
    expect(cert.issuer.CN).toMatch(/Pebble/i);
  });

  it('mcp status shows the certificate expiry per hostname, and mcp dns the records', async () => {
    const status = await fleet.mcp(['status', 'web']);
    const dns = await fleet.mcp(['dns']);

    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${INTERNAL.replaceAll('.', '\\.')}.*20\\d\\d-`));
    expect(dns.code, dns.stderr).toBe(0);
    expect(dns.stdout).toMatch(
      new RegExp(`${INTERNAL.replaceAll('.', '\\.')}\\s+A\\s+${rift.address}`),
    );
  });

  it('a move makes the A record follow the service', async () => {
    fleet.writeService('web', web('orion'));

    const out = await fleet.mcp(['deploy', 'web']);

    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(await resolves(INTERNAL)).toEqual([orion.address]);
  });

  it('with Pebble stopped a new L7 route fails its certificate step and registers nothing', async () => {
    const pebble = fleet.pebble;
    if (!pebble) throw new Error('the fleet has no Pebble');
    await pebble.stop();
    try {
      fleet.writeService('api', web('rift', 'api'));

      const out = await fleet.mcp(['deploy', 'api']);

      expect(out.code, out.stderr).toBe(1);
      expect(out.stdout, out.stderr).toMatch(
        /^certificates\s+rift\s+FAILED\s+.*api\.svc\.mcp\.mcp\.test/m,
      );
      const routes = await fleet.mcp(['route', 'list', '-n', 'rift', '--json']);
      expect(routes.stdout).not.toContain('api.');
      expect(await resolves('api.svc.mcp.mcp.test')).toEqual([]);
    } finally {
      await pebble.start();
    }
  });

  it('undeploy removes the A record', async () => {
    const out = await fleet.mcp(['undeploy', 'web']);

    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(await resolves(INTERNAL)).toEqual([]);
    expect(readFileSync(fleet.mcns?.dbPath ?? '', 'utf8')).not.toContain(INTERNAL);
  });
});
