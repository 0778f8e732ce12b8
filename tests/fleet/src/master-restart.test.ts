// Issue 4: the master is stateless in the durable sense. Kill it and delete its state directory;
// started again, it shows every node and service within one heartbeat interval, and a deployed
// service never stops answering meanwhile.
import { rmSync } from 'node:fs';

import { exampleService, startFleet, type Fleet } from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { firstAddress, get, masterClient, waitUntil, writeSrvFile } from './helpers.js';

const INTERVAL_MS = 2_000;

let fleet: Fleet;
let master: ReturnType<typeof masterClient>;

beforeAll(async () => {
  fleet = await startFleet({
    nodes: ['rift', 'orion', 'hyperborea'],
    edges: ['svc'],
    heartbeatIntervalMs: INTERVAL_MS,
  });
  master = masterClient(fleet);
  await waitUntil(async () => (await master.listNodes({})).nodes.length === 4, 'four nodes');
});

afterAll(async () => {
  await fleet?.stop();
});

function summary(nodes: { info?: { name: string } }[], services: { name: string; node: string }[]) {
  return {
    nodes: nodes.map((n) => n.info?.name).sort(),
    services: services.map((s) => `${s.name}@${s.node}`).sort(),
  };
}

describe('master restart', () => {
  it('rebuilds nodes and services from agents while services keep answering', async () => {
    for (const [name, node] of [
      ['web-a', 'rift'],
      ['web-b', 'orion'],
      ['web-c', ''],
    ] as const) {
      const agent = fleet.agents[node || 'hyperborea'];
      if (agent) writeSrvFile(agent, name, 'index.html', `${name}\n`);
      fleet.writeService(name, exampleService({ name, node, image: fleet.images.v1 }));
      expect((await fleet.mcp(['deploy', name])).code).toBe(0);
    }
    const before = summary(
      (await master.listNodes({})).nodes,
      (await master.listServices({ node: '' })).services,
    );
    const url = `http://${firstAddress((await master.status({ service: 'web-a' })).service)}/index.html`;

    // Probe loop: bounded in count and time, stops by itself.
    let failures = 0;
    let probes = 0;
    let probing = true;
    const loop = (async () => {
      const end = Date.now() + 60_000;
      while (probing && Date.now() < end && probes < 2_000) {
        probes += 1;
        if ((await get(url)).status !== 200) failures += 1;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    try {
      await fleet.master.kill();
      rmSync(fleet.master.stateDir, { recursive: true, force: true });
      const down = await fleet.mcp(['ps']);
      expect(down.code).not.toBe(0);
      expect(down.stderr).toMatch(/master is unreachable/i);

      await fleet.master.start();
      const started = Date.now();
      // Polled through the master's API: the CLI's own start-up would blur the figure.
      await waitUntil(
        async () => {
          try {
            const now = summary(
              (await master.listNodes({})).nodes,
              (await master.listServices({ node: '' })).services,
            );
            return JSON.stringify(now) === JSON.stringify(before);
          } catch {
            return false;
          }
        },
        'the same nodes and services as before the restart',
        INTERVAL_MS * 5,
      );
      const rebuiltMs = Date.now() - started;
      console.log(`master view rebuilt ${rebuiltMs} ms after its restart`);
      // One heartbeat interval (jittered up to +10%), plus a second for the register round trip
      // on a loaded machine.
      expect(rebuiltMs).toBeLessThanOrEqual(INTERVAL_MS * 1.1 + 1_000);

      // The operator's view says the same.
      const nodes = await fleet.mcp(['node', 'list', '--json']);
      const ps = await fleet.mcp(['ps', '--json']);
      expect(
        summary(
          (JSON.parse(nodes.stdout) as { nodes: { info?: { name: string } }[] }).nodes,
          (JSON.parse(ps.stdout) as { services: { name: string; node: string }[] }).services,
        ),
      ).toEqual(before);
    } finally {
      probing = false;
      await loop;
    }
    expect(probes).toBeGreaterThan(10);
    expect(failures).toBe(0);
  });
});
