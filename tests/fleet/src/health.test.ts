// Issue 4: a silent node becomes unhealthy within 3 intervals plus the probe timeout, gets no
// new placements, and is healthy again when it answers; its containers are untouched. One node
// is cut off the network (its own namespace, link down, guard route set) instead of stopped.
import { NodeHealth } from '@mcp/proto';
import { exampleService, startFleet, type Fleet, type FleetAgent } from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { masterClient, waitUntil } from './helpers.js';

const INTERVAL_MS = 1_000;
const PROBE_TIMEOUT_MS = 2_000;
// 3 silent intervals, the probe, and one monitor tick of slack.
const UNHEALTHY_WITHIN_MS = 3 * INTERVAL_MS + PROBE_TIMEOUT_MS + INTERVAL_MS;

let fleet: Fleet;
let master: ReturnType<typeof masterClient>;

beforeAll(async () => {
  fleet = await startFleet({
    nodes: [{ name: 'rift' }, { name: 'orion', netns: true }],
    edges: ['svc'],
    heartbeatIntervalMs: INTERVAL_MS,
    probeTimeoutMs: PROBE_TIMEOUT_MS,
  });
  master = masterClient(fleet);
  await waitUntil(async () => (await master.listNodes({})).nodes.length === 3, 'three nodes');
});

afterAll(async () => {
  await fleet?.stop();
});

async function health(node: string): Promise<NodeHealth | undefined> {
  const { nodes } = await master.listNodes({});
  return nodes.find((n) => n.info?.name === node)?.health;
}

function agent(name: string): FleetAgent {
  const a = fleet.agents[name];
  if (!a) throw new Error(`no agent ${name}`);
  return a;
}

async function expectHealthCycle(
  name: string,
  silence: () => Promise<void>,
  wake: () => Promise<void>,
) {
  fleet.writeService(
    'steady',
    exampleService({ name: 'steady', node: name, image: fleet.images.v1 }),
  );
  const deployed = await fleet.mcp(['deploy', 'steady']);
  expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
  const before = (await master.status({ service: 'steady' })).service?.components[0];

  await silence();
  const silentAt = Date.now();
  await waitUntil(
    async () => (await health(name)) === NodeHealth.NODE_HEALTH_UNHEALTHY,
    `${name} unhealthy`,
    UNHEALTHY_WITHIN_MS + 5_000,
  );
  expect(Date.now() - silentAt).toBeLessThanOrEqual(UNHEALTHY_WITHIN_MS);

  // A new deploy that may go anywhere avoids the unhealthy node.
  for (const svc of ['avoid-1', 'avoid-2']) {
    fleet.writeService(svc, exampleService({ name: svc, node: '', image: fleet.images.v1 }));
    const out = await fleet.mcp(['deploy', svc]);
    expect(out.code, out.stderr).toBe(0);
    expect((await master.status({ service: svc })).service?.node).not.toBe(name);
    await fleet.mcp(['undeploy', svc]);
  }
  // A deploy pinned to it is refused with the reason.
  fleet.writeService(
    'pinned',
    exampleService({ name: 'pinned', node: name, image: fleet.images.v1 }),
  );
  const pinned = await fleet.mcp(['deploy', 'pinned']);
  expect(pinned.code).not.toBe(0);
  expect(pinned.stdout + pinned.stderr).toMatch(new RegExp(`${name}.*(unhealthy|health)`, 'i'));

  await wake();
  await waitUntil(
    async () => (await health(name)) === NodeHealth.NODE_HEALTH_HEALTHY,
    `${name} healthy again`,
    10_000,
  );
  const after = (await master.status({ service: 'steady' })).service?.components[0];
  expect(after?.containerId).toBe(before?.containerId);
  expect(after?.startedAtMs).toBe(before?.startedAtMs);
  expect(after?.restartCount).toBe(before?.restartCount);
  const undeployed = await fleet.mcp(['undeploy', 'steady']);
  expect(undeployed.code, undeployed.stdout + undeployed.stderr).toBe(0);
}

describe('node health', () => {
  it('a stopped agent makes its node unhealthy, and healthy again when it starts', async () => {
    const rift = agent('rift');
    await expectHealthCycle(
      'rift',
      () => rift.stop(),
      () => rift.start(),
    );
  });

  it('a node cut off the network is unhealthy, and healthy again when its link is back', async () => {
    const host = agent('orion').host;
    if (!host) throw new Error('orion has no namespace');
    await expectHealthCycle(
      'orion',
      () => host.cut(),
      () => host.restore(),
    );
  });
});
