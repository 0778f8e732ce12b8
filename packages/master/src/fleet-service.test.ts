import { AccountType, Identity, NodeHealth, NodeRole, type NodeInfo } from '@mcp/proto';
import type { AuthContext } from '@mcp/security';
import { Status, type CallContext } from 'nice-grpc';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import { fleetService } from './fleet-service.js';
import { NodeRegistry } from './registry.js';
import { agent, master, refusal } from './test-support/fleet-fixture.js';
import { captureLog, FakeClock, testAuth } from './test-support/master.js';
import { serviceSpec } from './test-support/spec.js';

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
    ['no address', { address: '' }, 'node.address'],
    ['an address that is neither IP nor name', { address: 'a b' }, 'node.address'],
    ['agent address without a port', { agentAddress: '127.0.0.1' }, 'node.agent_address'],
    ['agent address with port 0', { agentAddress: 'rift:0' }, 'node.agent_address'],
    ['agent address host not a name', { agentAddress: 'evil$host%2f..:443' }, 'node.agent_address'],
    [
      'a 3,000-character agent address',
      { agentAddress: `${'x'.repeat(3_000)}:1` },
      'node.agent_address',
    ],
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
    // rift's agent, restarted on another port.
    const again = await agent('rift');

    await a.register(m.address, { ...a.info(), agentAddress: again.address });

    expect(m.running.registry.get('rift')?.info.agentAddress).toBe(again.address);
    expect(m.running.registry.names()).toEqual(['rift']);
    const moved = lines.find((l) => l.msg === 'node moved');
    expect(moved).toMatchObject({
      level: 30,
      node: 'rift',
      identity: 'agent-rift',
      agentAddress: again.address,
      previousAgentAddress: a.address,
    });
  });

  it("Register refuses an agent address where another node's agent answers, or none does", async () => {
    const { log, lines } = captureLog();
    const m = await master({ log });
    const rift = await agent('rift');
    const orion = await agent('orion');
    await rift.register(m.address);
    await orion.register(m.address);

    const pointed = await refusal(
      rift.register(m.address, { ...rift.info(), agentAddress: orion.address }),
    );
    expect(pointed.code).toBe(Status.PERMISSION_DENIED);
    expect(pointed.details).toBe(
      `failed to register node 'rift': the agent at ${orion.address} says it is node 'orion'; ` +
        "a node may register only its own agent's address",
    );

    const nowhere = await refusal(
      rift.register(m.address, { ...rift.info(), agentAddress: '127.0.0.9:7443' }),
    );
    expect(nowhere.code).toBe(Status.UNAVAILABLE);
    expect(nowhere.details).toMatch(/its agent at 127\.0\.0\.9:7443 did not answer HealthCheck/);

    expect(m.running.registry.get('rift')?.info.agentAddress).toBe(rift.address);
    expect(lines.some((l) => l.msg === 'node moved')).toBe(false);
  });

  it('Register refuses agent-rift registering or heartbeating as orion', async () => {
    const { log, lines } = captureLog();
    const m = await master({ log });
    const rift = await agent('rift');
    await rift.register(m.address);

    const as = await refusal(rift.register(m.address, { ...rift.info(), name: 'orion' }));
    const beat = await refusal(rift.heartbeat(m.address, 'orion'));

    expect(as.code).toBe(Status.PERMISSION_DENIED);
    expect(as.details).toBe(
      "account 'agent-rift' may not call Register for node 'orion': an agent account may only " +
        'speak for its own node (agent-orion)',
    );
    expect(beat.code).toBe(Status.PERMISSION_DENIED);
    expect(beat.details).toContain("may not call Heartbeat for node 'orion'");
    expect(m.running.registry.names()).toEqual(['rift']);
    const refused = lines.filter((l) => l.msg === 'call refused');
    expect(refused.map((l) => [l.level, l.method, l.code, l.username])).toEqual([
      [40, 'mcp.v1.FleetService/Register', 'PERMISSION_DENIED', 'agent-rift'],
      [40, 'mcp.v1.FleetService/Heartbeat', 'PERMISSION_DENIED', 'agent-rift'],
    ]);
  });

  it('Register refuses the edge role from an identity not in [auth] edges, and takes svc', async () => {
    const m = await master();
    const rift = await agent('rift');
    const svc = await agent('svc', [], { roles: [NodeRole.NODE_ROLE_EDGE] });
    const edgeRoles = [NodeRole.NODE_ROLE_COMPUTE, NodeRole.NODE_ROLE_EDGE];

    const err = await refusal(rift.register(m.address, { ...rift.info(), roles: edgeRoles }));
    await svc.register(m.address);

    expect(err.code).toBe(Status.PERMISSION_DENIED);
    expect(err.details).toBe(
      "failed to register node 'rift': account 'agent-rift' may not register the edge role " +
        '(the edge is sent every public route); add it to [auth] edges in the master config',
    );
    expect(m.running.registry.names()).toEqual(['svc']);
  });

  it('Register refuses an agent identity that is not in [auth] agents, naming both', async () => {
    const m = await master();
    const stranger = await agent('stranger');

    const err = await refusal(stranger.register(m.address));
    const beat = await refusal(stranger.heartbeat(m.address));

    expect(err.code).toBe(Status.PERMISSION_DENIED);
    expect(err.details).toBe(
      "failed to register node 'stranger': account 'agent-stranger' is not an agent this master " +
        'accepts; add it to [auth] agents in the master config',
    );
    expect(beat.code).toBe(Status.PERMISSION_DENIED);
    expect(beat.details).toContain("account 'agent-stranger' is not an agent");
    expect(m.running.registry.names()).toEqual([]);
  });

  it('Register refuses a new node past [auth] max_nodes and still takes a known one', async () => {
    const m = await master({ auth: { maxNodes: 2 } });
    const [rift, orion, hyper] = await Promise.all(['rift', 'orion', 'hyper'].map((n) => agent(n)));
    await rift?.register(m.address);
    await orion?.register(m.address);

    const err = await refusal(hyper?.register(m.address) ?? Promise.resolve());
    await rift?.register(m.address);

    expect(err.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(err.details).toBe(
      "failed to register node 'hyper': the master already knows 2 nodes, its cap " +
        '([auth] max_nodes in the master config)',
    );
    expect(m.running.registry.names()).toEqual(['orion', 'rift']);
  });

  it('Register past the burst is RESOURCE_EXHAUSTED until a registration comes back', async () => {
    const clock = new FakeClock();
    const m = await master({ clock });
    const a = await agent('rift');
    for (let i = 0; i < 3; i++) await a.register(m.address);

    const err = await refusal(a.register(m.address));
    clock.advance(59_000);
    const still = await refusal(a.register(m.address));
    clock.advance(1_000);

    expect(err.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(err.details).toBe(
      "failed to register node 'rift': more than 3 registrations at once, then one per 60 s " +
        "from 'agent-rift'; retry in 60 s",
    );
    expect(still.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(still.details).toMatch(/retry in [12] s$/);
    await expect(a.register(m.address)).resolves.toBe(10_000);
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

  it('Heartbeat from an unhealthy node asks for its channel to be reopened, once', async () => {
    const clock = new FakeClock();
    const registry = new NodeRegistry({ clock, intervalMs: 10_000 });
    const recovered: string[] = [];
    const fleet = fleetService(registry, {
      intervalMs: 10_000,
      log: pino({ level: 'silent' }),
      clock,
      auth: testAuth(),
      onRecovered: (node) => recovered.push(node),
    });
    const identity = Identity.fromPartial({
      username: 'agent-rift',
      accountType: AccountType.ACCOUNT_TYPE_SYSTEM,
    });
    // Called as the authorization middleware would hand the call on: with the caller's identity.
    const context = { identity } as CallContext & AuthContext;
    await fleet.register({ node: (await agent('rift')).info(), usage: undefined }, context);
    registry.probeFailed('rift', 'HealthCheck failed: gone');

    await fleet.heartbeat({ node: 'rift', usage: undefined }, context);
    await fleet.heartbeat({ node: 'rift', usage: undefined }, context);

    expect(recovered).toEqual(['rift']);
  });

  it('Heartbeat refuses a node name that is not a DNS label', async () => {
    const m = await master();

    const err = await refusal(
      (await m.fleetAs('rift')).heartbeat({ node: '../etc', usage: undefined }),
    );

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toContain('node:');
  });

  it('Heartbeat names the field of a 3,000-character node name within the cut details', async () => {
    const m = await master();

    const err = await refusal(
      (await m.fleetAs('rift')).heartbeat({ node: 'x'.repeat(3_000), usage: undefined }),
    );

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^failed to accept node 'x{64}\.\.\. \(3000 characters\)': node: /);
  });
});
