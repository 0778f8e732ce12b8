// A real master on 127.0.0.1 port 0 for tests, with a temporary state directory, a movable
// clock and a silent (or capturing) logger.
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';

import {
  FleetServiceDefinition,
  MasterServiceDefinition,
  type FleetServiceClient,
  type MasterServiceClient,
} from '@mcp/proto';
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { pino, type Logger } from 'pino';

import type { Clock } from '../clock.js';
import type { McnsConfig } from '../config.js';
import { runMaster, type RunningMaster } from '../main.js';
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
}

export interface TestMaster {
  running: RunningMaster;
  address: string;
  stateDir: string;
  client: MasterServiceClient;
  fleet: FleetServiceClient;
  close(): Promise<void>;
}

export async function startTestMaster(options: TestMasterOptions = {}): Promise<TestMaster> {
  const stateDir = options.stateDir ?? testDir('test-');
  const running = await runMaster(
    {
      listen: '127.0.0.1:0',
      stateDir,
      logLevel: 'silent',
      heartbeatIntervalMs: options.intervalMs ?? 10_000,
      probeTimeoutMs: options.probeTimeoutMs ?? 5_000,
      allowedDomains: options.allowedDomains ?? ['example.net'],
      mcns: options.mcns,
    },
    {
      clock: options.clock,
      log: options.log ?? pino({ level: 'silent' }),
      healthTickMs: options.healthTickMs ?? 3_600_000,
      startupGraceMs: options.startupGraceMs ?? 0,
    },
  );
  const address = `127.0.0.1:${running.port}`;
  const channel: Channel = createChannel(address);
  return {
    running,
    address,
    stateDir,
    client: createClient(MasterServiceDefinition, channel),
    fleet: createClient(FleetServiceDefinition, channel),
    async close() {
      channel.close();
      await running.close();
    },
  };
}

/** Removes a state directory made by `startTestMaster`. */
export function removeStateDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
