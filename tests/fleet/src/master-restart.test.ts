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
      await waitUntil(
        async () => {
          const nodes = await fleet.mcp(['node', 'list', '--json']);
          const ps = await fleet.mcp(['ps', '--json']);
          if (nodes.code !== 0 || ps.code !== 0) return false;
          const now = summary(
            (JSON.parse(nodes.stdout) as { nodes: { info?: { name: string } }[] }).nodes,
            (JSON.parse(ps.stdout) as { services: { name: string; node: string }[] }).services,
          );
          return JSON.stringify(now) === JSON.stringify(before);
        },
        'the same nodes and services as before the restart',
        INTERVAL_MS * 3,
      );
      // One heartbeat interval, plus the time the CLI itself takes to answer twice.
      expect(Date.now() - started).toBeLessThanOrEqual(INTERVAL_MS + 2_500);
    } finally {
      probing = false;
      await loop;
    }
    expect(probes).toBeGreaterThan(10);
    expect(failures).toBe(0);
  });
});
