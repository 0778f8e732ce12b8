// Issue 4: placement across a fleet of three compute nodes and one edge node, and one
// consistent deployment under concurrent deploys of one service.
import { exampleService, startFleet, type Fleet } from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { masterClient, podmanContainers, waitUntil } from './helpers.js';

let fleet: Fleet;
let master: ReturnType<typeof masterClient>;

beforeAll(async () => {
  fleet = await startFleet({
    nodes: [
      { name: 'rift' },
      { name: 'orion' },
      { name: 'hyperborea', pools: ['pi-pool'], arch: 'arm64' },
    ],
    edges: ['svc'],
  });
  master = masterClient(fleet);
  await waitUntil(
    async () => (await master.listNodes({})).nodes.length === 4,
    'all four nodes registered',
  );
});

afterAll(async () => {
  await fleet?.stop();
});

async function nodeOf(service: string): Promise<string> {
  return (await master.status({ service })).service?.node ?? '';
}

describe('placement across the fleet', () => {
  it('node list shows every node with role, arch and health', async () => {
    const out = await fleet.mcp(['node', 'list', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const nodes = (JSON.parse(out.stdout) as { nodes: { info: { name: string } }[] }).nodes;
    expect(nodes.map((n) => n.info.name).sort()).toEqual(['hyperborea', 'orion', 'rift', 'svc']);
    const table = await fleet.mcp(['node', 'list']);
    expect(table.stdout).toMatch(/svc.*edge/i);
  });

  it('a deploy with node omitted lands on a compute node, never on the edge', async () => {
    const placed: string[] = [];
    for (const name of ['free-a', 'free-b', 'free-c', 'free-d']) {
      fleet.writeService(name, exampleService({ name, node: '', image: fleet.images.v1 }));
      const out = await fleet.mcp(['deploy', name]);
      expect(out.code, out.stderr).toBe(0);
      placed.push(await nodeOf(name));
    }
    for (const node of placed) expect(['rift', 'orion', 'hyperborea']).toContain(node);
    // Spread: four services over three empty nodes use every node.
    expect(new Set(placed).size).toBe(3);
  });

  it('a deploy targeting a pool lands inside the pool', async () => {
    fleet.writeService(
      'kls',
      exampleService({ name: 'kls', node: 'pi-pool', image: fleet.images.v1 }),
    );
    const out = await fleet.mcp(['deploy', 'kls']);
    expect(out.code, out.stderr).toBe(0);
    expect(await nodeOf('kls')).toBe('hyperborea');
  });

  it('dry-run explains the choice and touches no node', async () => {
    fleet.writeService('dry', exampleService({ name: 'dry', node: '', image: fleet.images.v1 }));
    const out = await fleet.mcp(['deploy', 'dry', '--dry-run', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const res = JSON.parse(out.stdout) as { placement?: { explanation?: { node: string }[] } };
    const explained = res.placement?.explanation?.map((e) => e.node).sort();
    expect(explained).toEqual(['hyperborea', 'orion', 'rift', 'svc']);
    await expect(master.status({ service: 'dry' })).rejects.toThrow(/dry/);
  });

  it('a changed target moves the service: start on the new node, then remove from the old', async () => {
    const from = await nodeOf('free-a');
    const to = from === 'rift' ? 'orion' : 'rift';
    fleet.writeService(
      'free-a',
      exampleService({ name: 'free-a', node: to, image: fleet.images.v1 }),
    );
    const out = await fleet.mcp(['deploy', 'free-a']);
    expect(out.code, out.stderr).toBe(0);
    expect(await nodeOf('free-a')).toBe(to);
    const old = fleet.agents[from];
    if (!old) throw new Error(`no agent ${from}`);
    expect((await podmanContainers(old)).filter((c) => c.name.startsWith('free-a'))).toEqual([]);
  });

  it('two concurrent deploys of one service end with one deployment', async () => {
    fleet.writeService('twin', exampleService({ name: 'twin', node: '', image: fleet.images.v1 }));
    const [a, b] = await Promise.all([
      fleet.mcp(['deploy', 'twin']),
      fleet.mcp(['deploy', 'twin']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);

    let containers = 0;
    for (const agent of Object.values(fleet.agents)) {
      containers += (await podmanContainers(agent)).filter((c) => c.name.startsWith('twin')).length;
    }
    expect(containers).toBe(1);
    const listed = (await master.listServices({ node: '' })).services.filter(
      (s) => s.name === 'twin',
    );
    expect(listed).toHaveLength(1);
  });
});
