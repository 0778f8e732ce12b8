import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeHealth, NodeRole } from '@mcp/proto';
import { afterEach, describe, expect, it } from 'vitest';

import { FakeAgent } from './test-support/fake-agent.js';
import {
  captureLog,
  removeStateDir,
  startTestMaster,
  type TestMaster,
  type TestMasterOptions,
} from './test-support/master.js';
import { serviceSpec } from './test-support/spec.js';
import { testDir } from './test-support/tmp.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function stateDir(): string {
  const dir = testDir('cache-');
  cleanup.push(() => removeStateDir(dir));
  return dir;
}

async function master(options: TestMasterOptions): Promise<TestMaster> {
  const m = await startTestMaster(options);
  cleanup.push(() => m.close());
  return m;
}

/** Two agents, rift running `web`, registered with a first master that then stops. */
async function fleetThenStop(dir: string): Promise<FakeAgent[]> {
  const agents = await Promise.all(['orion', 'rift'].map((name) => FakeAgent.start({ name })));
  for (const a of agents) cleanup.push(() => a.stop());
  agents[1]?.services.set('web', serviceSpec('web', 'rift'));

  const first = await startTestMaster({ stateDir: dir });
  for (const a of agents) await a.register(first.address);
  await first.close();
  return agents;
}

describe('NodeCache', () => {
  it('master writes nodes.json with each node name, agent address, info and services', async () => {
    const dir = stateDir();
    const [orion, rift] = await fleetThenStop(dir);

    const data = JSON.parse(readFileSync(join(dir, 'nodes.json'), 'utf8')) as {
      nodes: { name: string; agent_address: string; info: unknown; services: string[] }[];
    };

    expect(data.nodes.map((n) => [n.name, n.agent_address, n.services])).toEqual([
      ['orion', orion?.address, []],
      ['rift', rift?.address, ['web']],
    ]);
    expect(data.nodes[0]?.info).toMatchObject({ name: 'orion', arch: 'amd64' });
    expect(readdirSync(dir)).toEqual(['nodes.json']);
  });

  it('master restarted with its cache probes every cached node at once', async () => {
    const dir = stateDir();
    const [orion, rift] = await fleetThenStop(dir);
    await orion?.stop();
    const checksBefore = rift?.healthChecks ?? 0;

    const started = performance.now();
    const m = await master({ stateDir: dir });
    await m.running.rebuilt;

    expect(performance.now() - started).toBeLessThan(2000);
    expect(rift?.healthChecks).toBe(checksBefore + 1);
    const { nodes } = await m.client.listNodes({});
    expect(nodes.map((n) => [n.info?.name, n.health])).toEqual([
      ['orion', NodeHealth.NODE_HEALTH_UNHEALTHY],
      ['rift', NodeHealth.NODE_HEALTH_HEALTHY],
    ]);
    expect(nodes[0]?.healthError).toContain("failed to reach node 'orion'");
    expect(m.running.registry.hostsOf('web')).toEqual(['rift']);
    const listed = await m.client.listServices({ node: '' });
    expect(listed.services.map((s) => `${s.node}/${s.name}`)).toEqual(['rift/web']);
    expect(listed.errors.map((e) => e.node)).toEqual(['orion']);
  });

  it('master started without its cache rebuilds the view from the next heartbeats', async () => {
    const dir = stateDir();
    const agents = await fleetThenStop(dir);
    removeStateDir(dir);

    const m = await master({ stateDir: dir });
    expect((await m.client.listNodes({})).nodes).toEqual([]);
    const answers = await Promise.all(agents.map((a) => a.heartbeat(m.address)));

    expect(answers.map((a) => a.registerAgain)).toEqual([true, true]);
    const { nodes } = await m.client.listNodes({});
    expect(nodes.map((n) => [n.info?.name, n.health])).toEqual([
      ['orion', NodeHealth.NODE_HEALTH_HEALTHY],
      ['rift', NodeHealth.NODE_HEALTH_HEALTHY],
    ]);
    expect(m.running.registry.hostsOf('web')).toEqual(['rift']);
    await m.close();
    expect(readdirSync(dir)).toEqual(['nodes.json']);
  });

  it('master restarted with its cache keeps what a down node last reported', async () => {
    const dir = stateDir();
    const [orion, rift] = await fleetThenStop(dir);
    await rift?.stop();

    const m = await master({ stateDir: dir });
    await m.running.rebuilt;

    expect(m.running.registry.get('rift')?.health).toBe(NodeHealth.NODE_HEALTH_UNHEALTHY);
    expect(m.running.registry.hostsOf('web')).toEqual(['rift']);
    expect(orion?.healthChecks).toBeGreaterThan(0);
  });

  it('master restarted with a narrower [auth] forgets cached nodes it no longer admits', async () => {
    const dir = stateDir();
    const svc = await FakeAgent.start({ name: 'svc', roles: [NodeRole.NODE_ROLE_EDGE] });
    cleanup.push(() => svc.stop());
    await fleetThenStop(dir);
    const first = await startTestMaster({ stateDir: dir });
    await svc.register(first.address);
    await first.close();
    const { log, lines } = captureLog();
    const checksBefore = svc.healthChecks;

    const agents = ['agent-rift', 'agent-svc'];
    const m = await master({ stateDir: dir, log, auth: { agents, edges: [] } });
    await m.running.rebuilt;

    expect(m.running.registry.names()).toEqual(['rift']);
    const dropped = lines.filter((l) => l.msg === 'cached node dropped');
    expect(dropped.map((l) => [l.level, l.node])).toEqual([
      [40, 'orion'],
      [40, 'svc'],
    ]);
    expect(String(dropped[1]?.reason)).toContain('may not register the edge role');
    expect(svc.healthChecks).toBe(checksBefore);
  });

  it('master ignores a corrupt cache with a warning', async () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'nodes.json'), '{"version": 1, "nodes": [{"name": ');
    const { log, lines } = captureLog();

    const m = await master({ stateDir: dir, log });
    await m.running.rebuilt;

    expect((await m.client.listNodes({})).nodes).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'node cache corrupt, ignored' }),
    );
  });
});
