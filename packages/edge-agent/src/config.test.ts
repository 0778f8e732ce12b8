import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { ConfigError, loadEdgeConfig } from './config.js';

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

const dir = tempDir('edge-config-');
let n = 0;

function load(...lines: string[]) {
  const file = join(dir, `edge-${n++}.toml`);
  const base = ['name = "svc"', 'address = "127.0.0.9"', 'listen = "127.0.0.9:7443"'];
  writeFileSync(file, [...base, `state_dir = "${dir}"`, ...lines].join('\n'));
  return loadEdgeConfig(file);
}

describe('loadEdgeConfig', () => {
  it('applies the defaults', () => {
    expect(load()).toEqual({
      name: 'svc',
      address: '127.0.0.9',
      listen: '127.0.0.9:7443',
      stateDir: dir,
      master: undefined,
      pools: [],
      heartbeatIntervalMs: 10_000,
      logLevel: 'info',
    });
  });

  it('reads master, pools, interval and log level', () => {
    const c = load(
      'master = "127.0.0.1:7000"',
      'pools = ["edge-eu"]',
      'heartbeat_interval_ms = 500',
      'log_level = "debug"',
    );

    expect(c).toMatchObject({
      master: '127.0.0.1:7000',
      pools: ['edge-eu'],
      heartbeatIntervalMs: 500,
      logLevel: 'debug',
    });
  });

  it.each([
    { line: 'master = "nohost"', why: /master: must be host:port/ },
    { line: 'runtime_socket = "/run/podman/podman.sock"', why: /runtime_socket/ },
    { line: 'heartbeat_interval_ms = 5', why: /heartbeat_interval_ms/ },
  ])('refuses $line', ({ line, why }) => {
    expect(() => load(line)).toThrow(ConfigError);
    expect(() => load(line)).toThrow(why);
  });
});
