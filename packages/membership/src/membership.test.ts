import { NodeRole, type NodeInfo, type NodeUsage } from '@mcp/proto';
import { ServerError, Status } from 'nice-grpc';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { delay, reservePort, startTestMaster, waitFor, type TestMaster } from '../test/master.js';
import { startMembership, type Membership, type MembershipOptions } from './membership.js';

const node: NodeInfo = {
  name: 'rift',
  roles: [NodeRole.NODE_ROLE_COMPUTE],
  address: '127.0.0.2',
  agentAddress: '127.0.0.2:7443',
  arch: 'amd64',
  os: 'nixos',
  pools: ['pool-a'],
  version: '0.1.0',
  rpcs: ['mcp.v1.AgentService/HealthCheck'],
  capacity: { cpuMillis: 2000, memoryBytes: 4 * 2 ** 30, diskBytes: 100 * 2 ** 30 },
  reserved: { cpuMillis: 0, memoryBytes: 0, diskBytes: 0 },
};

const usage: NodeUsage = {
  free: { cpuMillis: 1500, memoryBytes: 2 * 2 ** 30, diskBytes: 50 * 2 ** 30 },
  containers: 3,
  services: [{ service: 'mcq', resources: { cpuMillis: 100, memoryBytes: 2 ** 26, diskBytes: 0 } }],
  measuredAtMs: 0,
};

let masters: TestMaster[] = [];
let members: Membership[] = [];

afterEach(async () => {
  await Promise.all(members.map((m) => m.stop()));
  await Promise.all(masters.map((m) => m.close()));
  members = [];
  masters = [];
});

async function master(...args: Parameters<typeof startTestMaster>): Promise<TestMaster> {
  const m = await startTestMaster(...args);
  masters.push(m);
  return m;
}

function join(port: number, options: Partial<MembershipOptions> = {}): Membership {
  const m = startMembership({
    masterAddress: `127.0.0.1:${port}`,
    node,
    usage: () => usage,
    intervalMs: 100,
    backoff: { baseMs: 20, capMs: 80 },
    log: pino({ level: 'silent' }),
    random: () => 0.5,
    now: () => 1234,
    ...options,
  });
  members.push(m);
  return m;
}

/** Gaps between consecutive calls, in ms. */
function gaps(seen: { at: number }[]): number[] {
  return seen.slice(1).map((s, i) => s.at - (seen[i]?.at ?? 0));
}

describe('startMembership', () => {
  it('retries registration while the master is down and registers once it starts', async () => {
    const port = await reservePort();
    const member = join(port);

    await delay(300);
    expect(member.registered()).toBe(false);
    expect(member.lastError()).toMatch(/failed to register node 'rift' at master .*UNAVAILABLE/);

    const m = await master(port);
    await waitFor(() => member.registered());
    expect(m.registers).toHaveLength(1);
    expect(m.registers[0]?.req.node).toEqual(node);
    expect(m.registers[0]?.req.usage).toEqual({ ...usage, measuredAtMs: 1234 });
    expect(member.lastError()).toBe('');
  });

  it('retries a master that refuses, then registers', async () => {
    const m = await master(0, {
      register: (_req, n) => {
        if (n < 3) throw new ServerError(Status.PERMISSION_DENIED, 'not on the allowlist');
        return { heartbeatIntervalMs: 0 };
      },
    });
    const member = join(m.port);

    await waitFor(() => member.registered());
    expect(m.registers).toHaveLength(3);
  });

  it('heartbeats at the configured interval with usage', async () => {
    const m = await master();
    join(m.port);

    await waitFor(() => m.heartbeats.length >= 5);
    for (const gap of gaps(m.heartbeats)) {
      expect(gap).toBeGreaterThanOrEqual(90);
      expect(gap).toBeLessThan(250);
    }
    expect(m.heartbeats[0]?.req).toEqual({ node: 'rift', usage: { ...usage, measuredAtMs: 1234 } });
    expect(m.registers).toHaveLength(1);
  });

  it('takes the heartbeat interval the master names', async () => {
    const m = await master(0, { register: () => ({ heartbeatIntervalMs: 50 }) });
    join(m.port, { intervalMs: 5_000 });

    await waitFor(() => m.heartbeats.length >= 4, 1_000);
    for (const gap of gaps(m.heartbeats)) expect(gap).toBeLessThan(200);
  });

  it('jitters the interval by up to 10%', async () => {
    const m = await master();
    join(m.port, { random: () => 0 });

    await waitFor(() => m.heartbeats.length >= 4);
    for (const gap of gaps(m.heartbeats)) expect(gap).toBeGreaterThanOrEqual(85);
    expect(Math.min(...gaps(m.heartbeats))).toBeLessThan(100);
  });

  it('registers again when a heartbeat answers register_again', async () => {
    const m = await master(0, {
      heartbeat: (_req, n) => ({ registerAgain: n === 2, heartbeatIntervalMs: 0 }),
    });
    const member = join(m.port);

    await waitFor(() => m.registers.length === 2 && m.heartbeats.length >= 3);
    expect(member.registered()).toBe(true);
    // The second Register follows the second heartbeat at once, not an interval later.
    const [, second] = m.registers;
    expect((second?.at ?? 0) - (m.heartbeats[1]?.at ?? 0)).toBeLessThan(80);
  });

  it('registers again when a heartbeat fails with NOT_FOUND', async () => {
    const m = await master(0, {
      heartbeat: (req, n) => {
        if (n === 1)
          throw new ServerError(Status.NOT_FOUND, `node '${req.node}' is not registered`);
        return { registerAgain: false, heartbeatIntervalMs: 0 };
      },
    });
    const member = join(m.port);

    await waitFor(() => m.registers.length === 2 && m.heartbeats.length >= 2);
    expect(member.registered()).toBe(true);
  });

  it('finds a restarted master that has forgotten the node', async () => {
    const first = await master();
    const member = join(first.port);
    await waitFor(() => first.heartbeats.length >= 1);

    await first.close();
    await delay(300);
    expect(member.lastError()).toMatch(/failed to send heartbeat of node 'rift'.*UNAVAILABLE/);

    const again = await master(first.port, {
      heartbeat: () => {
        throw new ServerError(Status.NOT_FOUND, 'unknown node');
      },
    });
    await waitFor(() => again.registers.length >= 1);
    expect(again.registers[0]?.req.node?.name).toBe('rift');
  });

  it('still heartbeats when usage() throws, without usage', async () => {
    const m = await master();
    join(m.port, {
      usage: () => {
        throw new Error('runtime down');
      },
    });

    await waitFor(() => m.heartbeats.length >= 2);
    expect(m.registers[0]?.req.usage).toBeUndefined();
    expect(m.heartbeats[0]?.req).toEqual({ node: 'rift', usage: undefined });
  });

  it('stop() ends every call and timer', async () => {
    const m = await master();
    const member = join(m.port);
    await waitFor(() => m.heartbeats.length >= 2);

    await member.stop();
    const seen = m.registers.length + m.heartbeats.length;
    await delay(400);
    expect(m.registers.length + m.heartbeats.length).toBe(seen);
  });

  it('stop() returns at once while waiting out a backoff', async () => {
    const port = await reservePort();
    const member = join(port, { backoff: { baseMs: 60_000, capMs: 60_000 } });
    await delay(100);

    const started = Date.now();
    await member.stop();
    expect(Date.now() - started).toBeLessThan(100);

    // Nothing is left to call a master that appears later.
    const m = await master(port);
    await delay(300);
    expect(m.registers).toHaveLength(0);
  });
});
