import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadMasterConfig } from './config.js';
import { testDir } from './test-support/tmp.js';

function file(text: string): string {
  const path = join(testDir('config-'), 'master.toml');
  writeFileSync(path, text);
  return path;
}

const BASE = 'listen = "127.0.0.1:7400"\nstate_dir = "/tmp/mcp-master"\n';

describe('loadMasterConfig', () => {
  it('loadMasterConfig fills the documented defaults', () => {
    expect(loadMasterConfig(file(BASE))).toEqual({
      listen: '127.0.0.1:7400',
      stateDir: '/tmp/mcp-master',
      logLevel: 'info',
      heartbeatIntervalMs: 10_000,
      probeTimeoutMs: 5_000,
      allowedDomains: [],
    });
  });

  it('loadMasterConfig normalises allowed domains and refuses a wildcard one', () => {
    const ok = loadMasterConfig(file(`${BASE}allowed_domains = ["Example.NET."]\n`));
    expect(ok.allowedDomains).toEqual(['example.net']);

    const bad = file(`${BASE}allowed_domains = ["example.net", "*.example.org"]\n`);
    expect(() => loadMasterConfig(bad)).toThrow(/allowed_domains\[1\]: .*\*\.example\.org/);
  });

  it('loadMasterConfig reads the heartbeat interval and probe timeout', () => {
    const config = loadMasterConfig(
      file(`${BASE}heartbeat_interval_ms = 2000\nprobe_timeout_ms = 1500\n`),
    );

    expect(config.heartbeatIntervalMs).toBe(2000);
    expect(config.probeTimeoutMs).toBe(1500);
  });

  it('loadMasterConfig refuses the old static node list and says what replaced it', () => {
    const path = file(`${BASE}[[nodes]]\nname = "rift"\naddress = "127.0.0.2:7443"\n`);

    expect(() => loadMasterConfig(path)).toThrow(
      `failed to load master config '${path}': nodes: no longer read; nodes join by registering`,
    );
  });

  it('loadMasterConfig reads [mcns] and its token from a file only the owner may read', () => {
    const path = file(
      `${BASE}[mcns]\nurl = "http://127.0.0.1:8053/"\ntoken_file = "token"\nzone = "MCP.test."\n`,
    );
    const token = join(path, '..', 'token');
    writeFileSync(token, 'secret\n', { mode: 0o600 });

    expect(loadMasterConfig(path).mcns).toEqual({
      url: 'http://127.0.0.1:8053',
      tokenFile: token,
      token: 'secret',
      zone: 'mcp.test',
    });
  });

  it('loadMasterConfig refuses an MCNS token file others may read, naming the file', () => {
    const path = file(
      `${BASE}[mcns]\nurl = "http://127.0.0.1:8053"\ntoken_file = "token"\nzone = "mcp.test"\n`,
    );
    const token = join(path, '..', 'token');
    writeFileSync(token, 'secret\n');
    chmodSync(token, 0o644);

    expect(() => loadMasterConfig(path)).toThrow(
      `failed to load master config '${path}': mcns.token_file: '${token}' has mode 0644; it must be 0600 or stricter`,
    );
    chmodSync(token, 0o640);
    expect(() => loadMasterConfig(path)).toThrow(/mode 0640/);
  });

  it.each([
    ['[mcns] without a zone', '[mcns]\nurl = "http://h:1"\ntoken_file = "/t"\n', 'mcns.zone:'],
    [
      '[mcns] with a url that is not http',
      '[mcns]\nurl = "ftp://h"\ntoken_file = "/t"\nzone = "z"\n',
      'mcns.url:',
    ],
    [
      '[mcns] with a missing token file',
      '[mcns]\nurl = "http://h:1"\ntoken_file = "/nonexistent/t"\nzone = "z"\n',
      'mcns.token_file: ENOENT',
    ],
    ['an unknown key', 'colour = "blue"\n', 'Unrecognized key'],
    [
      'an interval that is not a number',
      'heartbeat_interval_ms = "10s"\n',
      'heartbeat_interval_ms:',
    ],
    ['an interval under 100 ms', 'heartbeat_interval_ms = 5\n', 'heartbeat_interval_ms:'],
  ])('loadMasterConfig refuses %s', (_what, extra, message) => {
    expect(() => loadMasterConfig(file(BASE + extra))).toThrow(message);
  });
});
