import { NodeHealth, NodeRole, type NodeInfo } from '@mcp/proto';
import { ClientError, Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';

import { FakeAgent } from './test-support/fake-agent.js';
import { captureLog, FakeClock, startTestMaster, type TestMaster } from './test-support/master.js';
import { serviceSpec } from './test-support/spec.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function master(options: Parameters<typeof startTestMaster>[0] = {}): Promise<TestMaster> {
  const m = await startTestMaster(options);
  cleanup.push(() => m.close());
  return m;
}

async function agent(name: string, pools: string[] = []): Promise<FakeAgent> {
  const a = await FakeAgent.start({ name, pools });
  cleanup.push(() => a.stop());
  return a;
}

async function refusal(work: Promise<unknown>): Promise<ClientError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClientError);
  return err as ClientError;
}

describe('FleetService Register', () => {
  it('Register stores the node and answers the configured heartbeat interval', async () => {
    const m = await master({ intervalMs: 2500 });
    const a = await agent('rift', ['fast']);

    expect(await a.register(m.address)).toBe(2500);

    const { nodes } = await m.client.listNodes({});
    expect(nodes).toHaveLength(1);
    expect(nodes[0]?.info?.name).toBe('rift');
    expect(nodes[0]?.info?.pools).toEqual(['fast']);
    expect(nodes[0]?.health).toBe(NodeHealth.NODE_HEALTH_HEALTHY);
    expect(nodes[0]?.usage?.free?.memoryBytes).toBe(4 * 2 ** 30);
  });

  it.each([
    ['name not a DNS label', { name: 'Rift_1' }, 'node.name'],
    ['agent address without a port', { agentAddress: '127.0.0.1' }, 'node.agent_address'],
    ['agent address with port 0', { agentAddress: 'rift:0' }, 'node.agent_address'],
    ['no roles', { roles: [] }, 'node.roles'],
    ['an unknown role', { roles: [NodeRole.NODE_ROLE_UNSPECIFIED] }, 'node.roles'],
    ['arch mips', { arch: 'mips' }, 'node.arch'],
    ['a pool with a space', { pools: ['pi pool'] }, 'node.pools[0]'],
  ] satisfies [string, Partial<NodeInfo>, string][])(
    'Register refuses a node with %s, naming the field',
    async (_what, change, field) => {
      const m = await master();
      const a = await agent('rift');

      const err = await refusal(
        a.withFleet(m.address, (f) => f.register({ node: { ...a.info(), ...change } })),
      );

      expect(err.code).toBe(Status.INVALID_ARGUMENT);
      expect(err.details).toContain(`${field}:`);
      expect((await m.client.listNodes({})).nodes).toHaveLength(0);
    },
  );

  it('Register reads x64 and aarch64 as amd64 and arm64', async () => {
    const m = await master();
    const a = await agent('pi');

    await a.register(m.address, { ...a.info(), arch: 'aarch64' });

    expect(m.running.registry.get('pi')?.info.arch).toBe('arm64');
  });

  it('Register again from a new address replaces the entry, logging the old address', async () => {
    const { log, lines } = captureLog();
    const m = await master({ log });
    const a = await agent('rift');
    await a.register(m.address);

    await a.register(m.address, { ...a.info(), agentAddress: '127.0.0.9:7443' });

    expect(m.running.registry.get('rift')?.info.agentAddress).toBe('127.0.0.9:7443');
    expect(m.running.registry.names()).toEqual(['rift']);
    const moved = lines.find((l) => l.msg === 'node moved');
    expect(moved).toMatchObject({ node: 'rift', previousAgentAddress: a.address });
  });
});

describe('FleetService Heartbeat', () => {
  it('Heartbeat of an unknown node answers register_again', async () => {
    const m = await master({ intervalMs: 1234 });

    const out = await (await m.fleetAs('ghost')).heartbeat({ node: 'ghost', usage: undefined });

    expect(out).toEqual({ registerAgain: true, heartbeatIntervalMs: 1234 });
    expect(m.running.registry.names()).toEqual([]);
  });

  it('Heartbeat of a known node updates its usage and last seen time', async () => {
    const clock = new FakeClock();
    const m = await master({ clock });
    const a = await agent('rift');
    await a.register(m.address);
    clock.advance(7000);
    a.services.set('web', serviceSpec('web'));

    const out = await a.heartbeat(m.address);

    expect(out.registerAgain).toBe(false);
    const node = m.running.registry.get('rift');
    expect(node?.lastSeenMs).toBe(clock.now());
    expect(node?.usage.services.map((s) => s.service)).toEqual(['web']);
    expect(node?.usage.containers).toBe(1);
  });

  it('Heartbeat without usage keeps the previous figures', async () => {
    const m = await master();
    const a = await agent('rift');
    await a.register(m.address);

    await (await m.fleetAs('rift')).heartbeat({ node: 'rift', usage: undefined });

    expect(m.running.registry.get('rift')?.usage.free?.cpuMillis).toBe(4000);
  });

  it('Heartbeat marks an unhealthy node healthy again', async () => {
    const m = await master();
    const a = await agent('rift');
    await a.register(m.address);
    m.running.registry.probeFailed('rift', 'HealthCheck failed: gone');

    await a.heartbeat(m.address);

    const [row] = (await m.client.listNodes({})).nodes;
    expect(row?.health).toBe(NodeHealth.NODE_HEALTH_HEALTHY);
    expect(row?.healthError).toBe('');
  });

  it('Heartbeat refuses a node name that is not a DNS label', async () => {
    const m = await master();

    const err = await refusal(
      (await m.fleetAs('rift')).heartbeat({ node: '../etc', usage: undefined }),
    );

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toContain('node:');
  });
});
