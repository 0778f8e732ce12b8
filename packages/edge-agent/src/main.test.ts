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
import {
  authorize,
  channelCredentials,
  McIasClient,
  MASTER_ACCOUNT,
  secureClient,
  serverCredentials,
  TokenValidator,
} from '@mcp/security';
import { startTestSecurity, type TestSecurity } from '@mcp/testkit';
import { createServer } from 'nice-grpc';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { tableLines } from '../test/security-files.js';
import { startEdgeAgent, type RunningEdgeAgent } from './main.js';

// Every temporary directory of this file, removed after its tests.
const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
let security: TestSecurity;
/** `[tls]` and `[mcias]` of the edge `svc`: a pair for 127.0.0.1, agent-svc's token. */
let tables: string[];

beforeAll(async () => {
  security = await startTestSecurity({ dir: tempDir('edge-main-security-'), address: '127.0.0.1' });
  tables = tableLines(await security.configTables({ names: ['127.0.0.1'], account: 'agent-svc' }));
});
afterAll(async () => {
  await security.stop();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A real FleetService on port 0 over TLS 1.3 behind authorize, recording what arrives. */
async function startMaster() {
  const registers: RegisterRequest[] = [];
  const heartbeats: HeartbeatRequest[] = [];
  const callers: string[] = [];
  const tls = await security.tls(['127.0.0.1']);
  const mcias = { url: security.mcias.url, caFile: security.mcias.caFile };
  const server = createServer().use(
    authorize({ validator: new TokenValidator(new McIasClient(mcias)) }),
  );
  server.add(FleetServiceDefinition, {
    register: async (req, ctx) => (
      registers.push(req),
      callers.push(ctx.identity.username),
      { heartbeatIntervalMs: 0 }
    ),
    heartbeat: async (req) => (
      heartbeats.push(req),
      { registerAgain: false, heartbeatIntervalMs: 0 }
    ),
  });
  const port = await server.listen('127.0.0.1:0', serverCredentials(tls));
  cleanups.push(() => server.forceShutdown());
  return { port, registers, heartbeats, callers };
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
    ...tables,
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
    expect(master.callers[0]).toBe('agent-svc');
    expect(['amd64', 'arm64']).toContain(info?.arch);
    expect(info?.capacity?.cpuMillis).toBeGreaterThan(0);
    const usage = master.heartbeats[0]?.usage;
    expect(usage).toMatchObject({ containers: 0, services: [] });
    expect(usage?.free?.memoryBytes).toBeGreaterThan(0);
    expect(usage?.measuredAtMs).toBeGreaterThan(0);
  });

  it('startEdgeAgent serves HealthCheck on the port it reports, and runs unregistered without a master', async () => {
    const edge = await start();
    const token = await security.mcias.issueToken(MASTER_ACCOUNT);
    const { client, channel } = secureClient(
      AgentServiceDefinition,
      `127.0.0.1:${edge.port}`,
      channelCredentials(security.ca.certPath),
      () => token,
    );
    cleanups.push(() => channel.close());

    const health = await client.healthCheck({});
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
