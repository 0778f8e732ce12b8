import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  AgentServiceDefinition,
  FleetServiceDefinition,
  NodeRole,
  type HeartbeatRequest,
  type RegisterRequest,
} from '@mcp/proto';
import { createChannel, createClient, createServer } from 'nice-grpc';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { startEdgeAgent, type RunningEdgeAgent } from './main.js';

// Every temporary directory of this file, removed after its tests.
const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A real FleetService on port 0 recording what arrives. */
async function startMaster() {
  const registers: RegisterRequest[] = [];
  const heartbeats: HeartbeatRequest[] = [];
  const server = createServer();
  server.add(FleetServiceDefinition, {
    register: async (req) => (registers.push(req), { heartbeatIntervalMs: 0 }),
    heartbeat: async (req) => (
      heartbeats.push(req),
      { registerAgain: false, heartbeatIntervalMs: 0 }
    ),
  });
  const port = await server.listen('127.0.0.1:0');
  cleanups.push(() => server.forceShutdown());
  return { port, registers, heartbeats };
}

async function start(...lines: string[]): Promise<RunningEdgeAgent> {
  const dir = tempDir('edge-main-');
  const file = join(dir, 'edge.toml');
  const base = ['name = "svc"', 'address = "127.0.0.1"', 'listen = "127.0.0.1:0"'];
  const more = [
    `state_dir = "${join(dir, 'state')}"`,
    // No proxy answers here: the edge serves and registers anyway, and warns at each re-sync.
    `proxy_socket = "${join(dir, 'absent.sock')}"`,
    'log_level = "silent"',
    ...lines,
  ];
  writeFileSync(file, [...base, ...more].join('\n'));
  const edge = await startEdgeAgent(file);
  cleanups.push(() => edge.close());
  return edge;
}

describe('startEdgeAgent', () => {
  it('startEdgeAgent registers with role edge and heartbeats with no containers and no services', async () => {
    const master = await startMaster();
    const edge = await start(
      `master = "127.0.0.1:${master.port}"`,
      'pools = ["edge-eu"]',
      'heartbeat_interval_ms = 100',
    );

    await expect.poll(() => master.heartbeats.length, { timeout: 2_000 }).toBeGreaterThan(1);
    const info = master.registers[0]?.node;
    expect(info).toMatchObject({
      name: 'svc',
      roles: [NodeRole.NODE_ROLE_EDGE],
      address: '127.0.0.1',
      agentAddress: `127.0.0.1:${edge.port}`,
      pools: ['edge-eu'],
      rpcs: [
        'mcp.v1.AgentService/HealthCheck',
        'mcp.v1.AgentService/SetupEdgeRoute',
        'mcp.v1.AgentService/RemoveEdgeRoute',
        'mcp.v1.AgentService/ListEdgeRoutes',
      ],
    });
    expect(['amd64', 'arm64']).toContain(info?.arch);
    expect(info?.capacity?.cpuMillis).toBeGreaterThan(0);
    const usage = master.heartbeats[0]?.usage;
    expect(usage).toMatchObject({ containers: 0, services: [] });
    expect(usage?.free?.memoryBytes).toBeGreaterThan(0);
    expect(usage?.measuredAtMs).toBeGreaterThan(0);
  });

  it('startEdgeAgent serves HealthCheck on the port it reports, and runs unregistered without a master', async () => {
    const edge = await start();
    const channel = createChannel(`127.0.0.1:${edge.port}`);
    cleanups.push(() => channel.close());

    const health = await createClient(AgentServiceDefinition, channel).healthCheck({});
    expect(health.node).toBe('svc');
    expect(health.runtimeOk).toBe(false);
  });

  it('startEdgeAgent stops heartbeating once closed', async () => {
    const master = await startMaster();
    const edge = await start(`master = "127.0.0.1:${master.port}"`, 'heartbeat_interval_ms = 100');
    await expect.poll(() => master.heartbeats.length, { timeout: 2_000 }).toBeGreaterThan(0);

    await edge.close();
    const seen = master.heartbeats.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(master.heartbeats.length).toBe(seen);
  });
});
