import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadMasterConfig } from './config.js';
import { testDir } from './test-support/tmp.js';

/** `master.toml` with `text`, beside the CA, pair and token files SECURITY names. */
function file(text: string): string {
  const dir = testDir('config-');
  const path = join(dir, 'master.toml');
  writeFileSync(path, text);
  for (const name of ['ca.crt', 'master.crt']) writeFileSync(join(dir, name), 'PEM\n');
  for (const name of ['master.key', 'master.token']) {
    writeFileSync(join(dir, name), 'secret\n', { mode: 0o600 });
  }
  return path;
}

const TOP = 'listen = "127.0.0.1:7400"\nstate_dir = "/tmp/mcp-master"\n';
const SECURITY = [
  '[tls]',
  'ca_file = "ca.crt"',
  'cert_file = "master.crt"',
  'key_file = "master.key"',
  '[mcias]',
  'url = "https://127.0.0.1:9443/"',
  'token_file = "master.token"',
  '',
].join('\n');
const AUTH = '[auth]\nagents = ["agent-rift", "agent-orion"]\n';
/** Top-level keys; tables follow `extra` (TOML puts later keys inside the last table). */
const toml = (extra = '', auth = AUTH): string => `${TOP}${extra}\n${SECURITY}${auth}`;

describe('loadMasterConfig', () => {
  it('loadMasterConfig fills the documented defaults', () => {
    const path = file(toml());
    const dir = join(path, '..');

    expect(loadMasterConfig(path)).toEqual({
      listen: '127.0.0.1:7400',
      stateDir: '/tmp/mcp-master',
      logLevel: 'info',
      heartbeatIntervalMs: 10_000,
      probeTimeoutMs: 5_000,
      allowedDomains: [],
      security: {
        tls: {
          caFile: join(dir, 'ca.crt'),
          certFile: join(dir, 'master.crt'),
          keyFile: join(dir, 'master.key'),
        },
        mcias: {
          url: 'https://127.0.0.1:9443',
          caFile: join(dir, 'ca.crt'),
          tokenFile: join(dir, 'master.token'),
        },
      },
      auth: {
        agents: ['agent-rift', 'agent-orion'],
        edges: [],
        maxNodes: 64,
        registerBurst: 3,
        registerEveryMs: 60_000,
        heartbeatBurst: 5,
      },
    });
  });

  it('loadMasterConfig reads every [auth] key', () => {
    const auth =
      '[auth]\nagents = []\nmax_nodes = 2\nregister_burst = 1\nregister_every_ms = 1000\n' +
      'heartbeat_burst = 9\n';

    expect(loadMasterConfig(file(toml('', auth))).auth).toEqual({
      agents: [],
      edges: [],
      maxNodes: 2,
      registerBurst: 1,
      registerEveryMs: 1000,
      heartbeatBurst: 9,
    });
  });

  it.each([
    ['no [auth]', '', 'auth: required: the [auth] table'],
    ['[auth] without agents', '[auth]\nmax_nodes = 3\n', 'auth.agents:'],
    ['an agent that is not agent-<node>', '[auth]\nagents = ["rift"]\n', 'auth.agents[0]:'],
    ['an agent node not a DNS label', '[auth]\nagents = ["agent-Rift_1"]\n', 'auth.agents[0]:'],
    ['an agent twice', '[auth]\nagents = ["agent-a", "agent-a"]\n', 'auth.agents[1]:'],
    [
      'an edge not among the agents',
      '[auth]\nagents = ["agent-a"]\nedges = ["agent-svc"]\n',
      "auth.edges[0]: 'agent-svc' is not listed in auth.agents",
    ],
    [
      'an edge twice',
      '[auth]\nagents = ["agent-a"]\nedges = ["agent-a", "agent-a"]\n',
      'auth.edges[1]:',
    ],
    ['max_nodes 0', `${AUTH}max_nodes = 0\n`, 'auth.max_nodes:'],
    ['a fractional burst', `${AUTH}register_burst = 1.5\n`, 'auth.register_burst:'],
    ['a heartbeat burst of 0', `${AUTH}heartbeat_burst = 0\n`, 'auth.heartbeat_burst:'],
    ['an unknown [auth] key', `${AUTH}agent = "agent-x"\n`, 'Unrecognized key'],
  ])('loadMasterConfig refuses %s', (_what, auth, message) => {
    expect(() => loadMasterConfig(file(toml('', auth)))).toThrow(message);
  });

  it.each([
    ['no [tls]', (t: string) => t.replace(/\[tls\][^[]*/, ''), 'tls: required'],
    ['no [mcias]', (t: string) => t.replace(/\[mcias\][^[]*/, ''), 'mcias: required'],
    [
      'an unknown [tls] key',
      (t: string) => t.replace('[tls]', '[tls]\nciphers = "all"'),
      'tls.ciphers: unknown key',
    ],
    [
      'an http MCIAS',
      (t: string) => t.replace('https://127.0.0.1:9443/', 'http://127.0.0.1:9443'),
      'mcias.url:',
    ],
  ])('loadMasterConfig refuses %s', (_what, change, message) => {
    expect(() => loadMasterConfig(file(change(toml())))).toThrow(message);
  });

  it('loadMasterConfig refuses a TLS key others may read, naming the file and its mode', () => {
    const path = file(toml());
    chmodSync(join(path, '..', 'master.key'), 0o644);

    expect(() => loadMasterConfig(path)).toThrow(/tls\.key_file: .*master\.key.*0644/);
  });

  it('loadMasterConfig normalises allowed domains and refuses a wildcard one', () => {
    const ok = loadMasterConfig(file(toml('allowed_domains = ["Example.NET."]')));
    expect(ok.allowedDomains).toEqual(['example.net']);

    const bad = file(toml('allowed_domains = ["example.net", "*.example.org"]'));
    expect(() => loadMasterConfig(bad)).toThrow(/allowed_domains\[1\]: .*\*\.example\.org/);
  });

  it('loadMasterConfig reads the heartbeat interval and probe timeout', () => {
    const config = loadMasterConfig(
      file(toml('heartbeat_interval_ms = 2000\nprobe_timeout_ms = 1500')),
    );

    expect(config.heartbeatIntervalMs).toBe(2000);
    expect(config.probeTimeoutMs).toBe(1500);
  });

  it('loadMasterConfig refuses the old static node list and says what replaced it', () => {
    const path = file(`${toml()}[[nodes]]\nname = "rift"\naddress = "127.0.0.2:7443"\n`);

    expect(() => loadMasterConfig(path)).toThrow(
      `failed to load master config '${path}': nodes: no longer read; nodes join by registering`,
    );
  });

  it('loadMasterConfig reads [mcns] and its token from a file only the owner may read', () => {
    const path = file(
      `${toml()}[mcns]\nurl = "http://127.0.0.1:8053/"\ntoken_file = "token"\nzone = "MCP.test."\n`,
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
      `${toml()}[mcns]\nurl = "http://127.0.0.1:8053"\ntoken_file = "token"\nzone = "mcp.test"\n`,
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
    const tables = extra.startsWith('[');
    const text = tables ? `${toml()}${extra}` : toml(extra);
    expect(() => loadMasterConfig(file(text))).toThrow(message);
  });
});
