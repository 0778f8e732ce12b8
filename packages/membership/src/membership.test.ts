import { NodeRole, type NodeInfo, type NodeUsage } from '@mcp/proto';
import { TokenFile } from '@mcp/security';
import { ServerError, Status } from 'nice-grpc';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { delay, reservePort, startTestMaster, waitFor, type TestMaster } from '../test/master.js';
import { stopTestSecurity, testSecurity, type TestSecurity } from '../test/security.js';
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
let security: TestSecurity;
/** agent-rift's token: the node's own identity. */
let token: string;

beforeAll(async () => {
  security = await testSecurity();
  token = await security.token('agent-rift');
});
afterAll(() => stopTestSecurity());

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
    credentials: security.channel,
    token: () => token,
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
    expect(m.registers[0]?.username).toBe('agent-rift');
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

/** A logger at debug whose lines are kept, parsed, for the tests that read them. */
function capture(): { log: pino.Logger; lines: Record<string, unknown>[]; text: () => string } {
  const raw: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => raw.push(line) });
  return {
    log,
    get lines() {
      return raw.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    text: () => raw.join(''),
  };
}

describe('startMembership refusals', () => {
  it('startMembership retries a refused registration with backoff and logs it at error without the token', async () => {
    const logs = capture();
    const m = await master(0, {
      register: (_req, n) => {
        if (n < 4) throw new ServerError(Status.PERMISSION_DENIED, "node 'rift' is not allowed");
        return { heartbeatIntervalMs: 0 };
      },
    });
    const member = join(m.port, {
      log: logs.log,
      random: () => 0.999,
      backoff: { baseMs: 60, capMs: 1_000 },
    });

    await waitFor(() => member.registered(), 5_000);
    expect(m.registers).toHaveLength(4);
    // Full jitter drawn at the top of the range: about 60, 120, 240 ms between attempts.
    const [first = 0, second = 0, third = 0] = gaps(m.registers);
    expect(first).toBeGreaterThanOrEqual(55);
    expect(second).toBeGreaterThanOrEqual(115);
    expect(third).toBeGreaterThanOrEqual(235);

    const errors = logs.lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: 'master refused the node; retrying' });
    expect(String(errors[0]?.reason)).toMatch(
      /failed to register node 'rift' at master '127\.0\.0\.1:\d+': PERMISSION_DENIED: node 'rift' is not allowed/,
    );
    expect(logs.text()).not.toContain(token);
  });

  it('startMembership keeps retrying when the master refuses its account, without crashing', async () => {
    const logs = capture();
    const guest = await security.token('gail');
    const m = await master();
    const member = join(m.port, { log: logs.log, token: () => guest });

    await waitFor(() => m.refused.length >= 3);
    expect(member.registered()).toBe(false);
    expect(m.registers).toHaveLength(0);
    expect(m.refused[0]).toMatchObject({ code: Status.PERMISSION_DENIED, username: 'gail' });
    expect(member.lastError()).toMatch(/PERMISSION_DENIED: account 'gail' \(human/);
    const errors = logs.lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(logs.text()).not.toContain(guest);
  });

  it('startMembership logs an expired token as refused (UNAUTHENTICATED) and retries', async () => {
    const logs = capture();
    const expired = await security.token('agent-rift', { ttlMs: -60_000 });
    const m = await master();
    const member = join(m.port, { log: logs.log, token: () => expired });

    await waitFor(() => m.refused.length >= 2);
    expect(m.refused[0]?.code).toBe(Status.UNAUTHENTICATED);
    expect(member.lastError()).toMatch(/UNAUTHENTICATED/);
    expect(logs.lines.filter((l) => l.level === 50)).toHaveLength(1);
    expect(logs.text()).not.toContain(expired);
  });

  it('startMembership treats an unreadable token file as a refusal and keeps retrying', async () => {
    const logs = capture();
    const m = await master();
    const file = new TokenFile('/nonexistent/mcp-membership/agent.token', 'service token file');
    const member = join(m.port, { log: logs.log, token: () => file.read() });

    await delay(300);
    expect(member.registered()).toBe(false);
    expect(member.lastError()).toMatch(
      /failed to register node 'rift'.*failed to read service token file '\/nonexistent\/mcp-membership\/agent\.token': no such file/,
    );
    expect(logs.lines.filter((l) => l.level === 50)).toHaveLength(1);
    expect(m.registers).toHaveLength(0);
  });

  it('startMembership waits the time a RESOURCE_EXHAUSTED registration names before trying again', async () => {
    const logs = capture();
    const m = await master(0, {
      register: (_req, n) => {
        if (n === 1) {
          throw new ServerError(
            Status.RESOURCE_EXHAUSTED,
            "Register of node 'rift' refused: rate limit of agent-rift; retry in 0.6 s",
          );
        }
        return { heartbeatIntervalMs: 0 };
      },
    });
    const member = join(m.port, { log: logs.log });

    await waitFor(() => member.registered());
    const [gap = 0] = gaps(m.registers);
    // The backoff alone would have waited at most 20 ms (base 20, random 0.5).
    expect(gap).toBeGreaterThanOrEqual(600);
    const warned = logs.lines.find((l) => l.msg === 'master rate-limited the node; waiting');
    expect(warned).toMatchObject({ level: 40, retryInMs: 600 });
  });

  it('startMembership falls back to the backoff when a RESOURCE_EXHAUSTED names no time', async () => {
    const m = await master(0, {
      register: (_req, n) => {
        if (n === 1) throw new ServerError(Status.RESOURCE_EXHAUSTED, 'too many registrations');
        return { heartbeatIntervalMs: 0 };
      },
    });
    const member = join(m.port);

    await waitFor(() => member.registered());
    expect(gaps(m.registers)[0]).toBeLessThan(300);
  });

  it('startMembership holds the next heartbeat back as long as a RESOURCE_EXHAUSTED names', async () => {
    const m = await master(0, {
      heartbeat: (_req, n) => {
        if (n === 2) throw new ServerError(Status.RESOURCE_EXHAUSTED, 'retry in 500 ms');
        return { registerAgain: false, heartbeatIntervalMs: 0 };
      },
    });
    join(m.port);

    await waitFor(() => m.heartbeats.length >= 4);
    const [first = 0, second = 0, third = 0] = gaps(m.heartbeats);
    expect(first).toBeLessThan(250);
    expect(second).toBeGreaterThanOrEqual(500);
    expect(third).toBeLessThan(250);
    expect(m.registers).toHaveLength(1);
  });
});
