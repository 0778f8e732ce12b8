// A real master on 127.0.0.1 port 0 for tests, over TLS 1.3 with MCIAS tokens (the test
// file's security, see security.ts), with a temporary state directory, a movable clock and a
// silent (or capturing) logger.
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';

import {
  FleetServiceDefinition,
  MasterServiceDefinition,
  type FleetServiceClient,
  type MasterServiceClient,
} from '@mcp/proto';
import { secureClient } from '@mcp/security';
import type { Channel } from 'nice-grpc';
import { pino, type Logger } from 'pino';

import type { Clock } from '../clock.js';
import type { AuthConfig, McnsConfig } from '../config.js';
import { runMaster, type RunningMaster } from '../main.js';
import { agentAccount, TEST_NODES, testSecurity } from './security.js';
import { testDir } from './tmp.js';

/** A clock the test moves. */
export class FakeClock implements Clock {
  constructor(public ms = Date.now()) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Log lines captured as parsed objects. */
export function captureLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  // No redaction here: a test that greps these lines for tokens sees what the code logged.
  return { log: pino({ level: 'debug' }, sink), lines };
}

export interface TestMasterOptions {
  stateDir?: string;
  clock?: Clock;
  log?: Logger;
  intervalMs?: number;
  probeTimeoutMs?: number;
  /** Default: one hour, so tests call `monitor.check()` themselves. */
  healthTickMs?: number;
  /** Default 0: tests deploy at once. */
  startupGraceMs?: number;
  /** Default `['example.net']`. */
  allowedDomains?: string[];
  /** Default none: no DNS step. */
  mcns?: McnsConfig;
  /** Default: every `agent-<node>` of TEST_NODES but `agent-stranger`, and the config defaults. */
  auth?: Partial<AuthConfig>;
}

export interface TestMaster {
  running: RunningMaster;
  address: string;
  stateDir: string;
  /** MasterService as alice (admin). */
  client: MasterServiceClient;
  /** MasterService with a token of `username` (a human of the stand-in, or a service). */
  clientAs(username: string): Promise<MasterServiceClient>;
  /** FleetService as `agent-<node>`. */
  fleetAs(node: string): Promise<FleetServiceClient>;
  /** MasterService and FleetService calling with `token` as it is (e.g. expired, revoked). */
  withToken(token: string): { client: MasterServiceClient; fleet: FleetServiceClient };
  close(): Promise<void>;
}

/** The test nodes that may register as edges (`[auth] edges`). */
export const EDGE_NODES = ['svc', 'svc1', 'svc2'] as const;

/** `[auth]` of test masters: the agents of TEST_NODES but one, left out for the allowlist test. */
export function testAuth(over: Partial<AuthConfig> = {}): AuthConfig {
  return {
    agents: TEST_NODES.filter((n) => n !== 'stranger').map(agentAccount),
    edges: EDGE_NODES.map(agentAccount),
    maxNodes: 64,
    registerBurst: 3,
    registerEveryMs: 60_000,
    heartbeatBurst: 5,
    ...over,
  };
}

export async function startTestMaster(options: TestMasterOptions = {}): Promise<TestMaster> {
  const stateDir = options.stateDir ?? testDir('test-');
  const security = await testSecurity();
  const running = await runMaster(
    {
      listen: '127.0.0.1:0',
      stateDir,
      logLevel: 'silent',
      heartbeatIntervalMs: options.intervalMs ?? 10_000,
      probeTimeoutMs: options.probeTimeoutMs ?? 5_000,
      allowedDomains: options.allowedDomains ?? ['example.net'],
      mcns: options.mcns,
      security: await security.config('mcp-master'),
      auth: testAuth(options.auth),
    },
    {
      clock: options.clock,
      log: options.log ?? pino({ level: 'silent' }),
      healthTickMs: options.healthTickMs ?? 3_600_000,
      startupGraceMs: options.startupGraceMs ?? 0,
    },
  );
  const address = `127.0.0.1:${running.port}`;
  const channels: Channel[] = [];
  const withToken = (token: string) => {
    const master = secureClient(MasterServiceDefinition, address, security.channel, () => token);
    const fleet = secureClient(FleetServiceDefinition, address, security.channel, () => token);
    channels.push(master.channel, fleet.channel);
    return { client: master.client, fleet: fleet.client };
  };
  return {
    running,
    address,
    stateDir,
    client: withToken(await security.token('alice')).client,
    clientAs: async (username) => withToken(await security.token(username)).client,
    fleetAs: async (node) => withToken(await security.token(agentAccount(node))).fleet,
    withToken,
    async close() {
      for (const channel of channels) channel.close();
      await running.close();
    },
  };
}

/** Removes a state directory made by `startTestMaster`. */
export function removeStateDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
