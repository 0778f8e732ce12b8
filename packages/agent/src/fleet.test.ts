import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  FleetServiceDefinition,
  NodeRole,
  type RegisterRequest,
  type ServiceSpec,
} from '@mcp/proto';
import { serviceResources } from '@mcp/scheduler';
import { authorize, loadSecurity, McIasClient, TokenValidator } from '@mcp/security';
import { startTestSecurity } from '@mcp/testkit';
import { createServer } from 'nice-grpc';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { placeholderSecurity } from '../test/security-files.js';

import { Agent } from './agent.js';
import type { AgentConfig } from './config.js';
import { openRegistry } from './db/index.js';
import { Store } from './db/store.js';
import { boundAddress, joinFleet, nodeInfo, nodeUsage } from './fleet.js';
import type { Runtime } from './runtime/runtime.js';
import { IMPLEMENTED_RPCS } from './server.js';

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

const GiB = 2 ** 30;
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function config(extra: Partial<AgentConfig> = {}): AgentConfig {
  return {
    name: 'rift',
    address: '127.0.0.2',
    listen: '127.0.0.2:0',
    stateDir: tempDir('agent-fleet-'),
    srvRoot: '/srv',
    runtimeSocket: '/nonexistent.sock',
    logLevel: 'silent',
    ports: { min: 20000, max: 29999 },
    roles: ['compute', 'control'],
    pools: ['pi-pool'],
    arch: 'arm64',
    os: 'debian',
    heartbeatIntervalMs: 100,
    capacity: { cpuMillis: 2000, memoryBytes: 4 * GiB },
    reserved: { cpuMillis: 250, memoryBytes: 0, diskBytes: 0 },
    certDir: '/nonexistent/certs',
    zone: 'local',
    security: placeholderSecurity(tempDir('agent-fleet-tls-')),
    ...extra,
  };
}

/** An agent on a real SQLite registry holding `specs`, its runtime owning `containers`. */
function agentWith(c: AgentConfig, specs: ServiceSpec[], containers: number): Agent {
  const db = openRegistry(c.stateDir);
  cleanups.push(() => db.$client.close());
  const store = new Store(db);
  for (const spec of specs) store.save(spec, true, [], []);
  const runtime = { listOwned: async () => new Array(containers).fill({}) } as unknown as Runtime;
  return new Agent(c, runtime, store, pino({ level: 'silent' }));
}

function spec(name: string, cpu: number): ServiceSpec {
  const component = { name, image: `r/${name}:v1`, resources: { cpuMillis: cpu } };
  return { name, components: [component] } as unknown as ServiceSpec;
}

describe('nodeInfo', () => {
  it('reports roles, platform, pools, RPCs, overridden capacity and reserved', () => {
    const c = config();
    const info = nodeInfo(c, '1.2.3', '127.0.0.2:7443');

    expect(info).toMatchObject({
      name: 'rift',
      roles: [NodeRole.NODE_ROLE_COMPUTE, NodeRole.NODE_ROLE_CONTROL],
      address: '127.0.0.2',
      agentAddress: '127.0.0.2:7443',
      arch: 'arm64',
      os: 'debian',
      pools: ['pi-pool'],
      version: '1.2.3',
      rpcs: IMPLEMENTED_RPCS,
      reserved: c.reserved,
    });
    expect(info.capacity?.cpuMillis).toBe(2000);
    expect(info.capacity?.memoryBytes).toBe(4 * GiB);
    expect(info.capacity?.diskBytes).toBeGreaterThan(0);
  });
});

describe('nodeUsage', () => {
  it('counts owned containers and every registered service with its request', async () => {
    const specs = [spec('mcq', 300), spec('web', 0)];
    const usage = await nodeUsage(agentWith(config(), specs, 3), () => 42);

    expect(usage.containers).toBe(3);
    expect(usage.services).toEqual(
      specs.map((s) => ({ service: s.name, resources: serviceResources(s) })),
    );
    expect(usage.services[1]?.resources?.cpuMillis).toBe(100);
    expect(usage.measuredAtMs).toBe(42);
    expect(usage.free?.cpuMillis).toBeLessThanOrEqual(2000);
    expect(usage.free?.memoryBytes).toBeGreaterThan(0);
  });
});

describe('joinFleet', () => {
  it('does nothing without a master', () => {
    const agent = agentWith(config(), [], 0);
    const security = loadSecurity(agent.config.security);
    expect(joinFleet(agent, '1.2.3', '127.0.0.2:7443', security, agent.log)).toBeUndefined();
  });

  it('registers the node with a real FleetService over TLS as agent-rift and heartbeats', async () => {
    const testSecurity = await startTestSecurity({ dir: tempDir('agent-fleet-security-') });
    cleanups.push(() => testSecurity.stop());
    const tls = await testSecurity.tls(['127.0.0.1']);
    const token = await testSecurity.tokenFile('agent-rift');
    const mcias = { url: testSecurity.mcias.url, caFile: testSecurity.mcias.caFile };
    const registers: RegisterRequest[] = [];
    const callers: string[] = [];
    let heartbeats = 0;
    const server = createServer().use(
      authorize({ validator: new TokenValidator(new McIasClient(mcias)) }),
    );
    server.add(FleetServiceDefinition, {
      register: async (req, ctx) => (
        registers.push(req),
        callers.push(ctx.identity.username),
        { heartbeatIntervalMs: 0 }
      ),
      heartbeat: async () => (heartbeats++, { registerAgain: false, heartbeatIntervalMs: 0 }),
    });
    const own = loadSecurity({ tls, mcias: { ...mcias, tokenFile: token.path } });
    const port = await server.listen('127.0.0.1:0', own.server);
    cleanups.push(() => server.forceShutdown());

    const agent = agentWith(config({ master: `127.0.0.1:${port}` }), [spec('mcq', 300)], 1);
    const membership = joinFleet(agent, '1.2.3', '127.0.0.2:7443', own, agent.log);
    cleanups.push(() => membership?.stop());

    await expect.poll(() => heartbeats, { timeout: 2_000 }).toBeGreaterThanOrEqual(2);
    expect(membership?.registered()).toBe(true);
    expect(registers[0]?.node?.name).toBe('rift');
    expect(callers[0]).toBe('agent-rift');
    expect(registers[0]?.usage?.containers).toBe(1);
    expect(registers[0]?.usage?.services.map((s) => s.service)).toEqual(['mcq']);
  });
});

describe('boundAddress', () => {
  it('puts the bound port in place of the one asked for', () => {
    expect(boundAddress('127.0.0.2:0', 7443)).toBe('127.0.0.2:7443');
    expect(boundAddress('[::1]:0', 7443)).toBe('[::1]:7443');
  });
});
