import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { securityLines } from '../test/security-files.js';
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
const PROXY = 'proxy_socket = "/run/mc-proxy/admin.sock"';
const SECURITY = securityLines(dir);
let n = 0;

/** Loads a config of `lines`, with `[tls]` and `[mcias]` at the end unless `security` is false. */
function loadWith(lines: string[], security = true) {
  const file = join(dir, `edge-${n++}.toml`);
  const base = ['name = "svc"', 'address = "127.0.0.9"', 'listen = "127.0.0.9:7443"'];
  const proxy = lines.some((l) => l.startsWith('proxy_socket')) ? [] : [PROXY];
  const tables = security ? SECURITY : [];
  writeFileSync(file, [...base, `state_dir = "${dir}"`, ...proxy, ...lines, ...tables].join('\n'));
  return loadEdgeConfig(file);
}

const load = (...lines: string[]) => loadWith(lines);

describe('loadEdgeConfig', () => {
  it('loadEdgeConfig applies the defaults', () => {
    expect(load()).toEqual({
      name: 'svc',
      address: '127.0.0.9',
      listen: '127.0.0.9:7443',
      stateDir: dir,
      master: undefined,
      pools: [],
      heartbeatIntervalMs: 10_000,
      logLevel: 'info',
      proxySocket: '/run/mc-proxy/admin.sock',
      certDir: join(dir, 'certs'),
      zone: 'local',
      allowedDomains: [],
      overlayCidr: '100.64.0.0/10',
      security: {
        tls: {
          caFile: join(dir, 'tls/ca.crt'),
          certFile: join(dir, 'tls/edge.crt'),
          keyFile: join(dir, 'tls/edge.key'),
        },
        mcias: {
          url: 'https://127.0.0.1:9443',
          caFile: join(dir, 'tls/ca.crt'),
          tokenFile: join(dir, 'tls/agent.token'),
        },
      },
    });
  });

  it('loadEdgeConfig reads the edge route settings, domains compared lower-case without a trailing dot', () => {
    const c = load(
      'cert_dir = "/etc/mcp/certs"',
      'zone = "test"',
      'allowed_domains = ["Example.NET.", "other.org"]',
      'overlay_cidr = "127.0.0.0/8"',
    );

    expect(c).toMatchObject({
      certDir: '/etc/mcp/certs',
      zone: 'test',
      allowedDomains: ['example.net', 'other.org'],
      overlayCidr: '127.0.0.0/8',
    });
  });

  it('loadEdgeConfig reads master, pools, interval and log level', () => {
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
    { line: 'heartbeat_interval_ms = 5', why: /heartbeat_interval_ms: must be at least 100/ },
    { line: 'overlay_cidr = "100.64.0.0"', why: /overlay_cidr: must be a CIDR/ },
    { line: 'overlay_cidr = "100.64.0.0/33"', why: /overlay_cidr: must be a CIDR/ },
    { line: 'overlay_cidr = "tailnet"', why: /overlay_cidr: must be a CIDR/ },
    { line: 'allowed_domains = ["*.example.net"]', why: /allowed_domains\.0: .* not a DNS name/ },
    { line: 'allowed_domains = ["ok.net", "a..b"]', why: /allowed_domains\.1: .* not a DNS name/ },
    { line: 'allowed_domains = "example.net"', why: /allowed_domains: must be a list/ },
    { line: 'zone = "Local"', why: /zone: must be a lower-case DNS name/ },
    { line: 'proxy_socket = ""', why: /proxy_socket: must be a non-empty string/ },
    { line: 'pools = ["Edge EU"]', why: /pools\.0: must be a DNS label/ },
  ])('loadEdgeConfig refuses $line, naming the file and the field', ({ line, why }) => {
    expect(() => load(line)).toThrow(ConfigError);
    expect(() => load(line)).toThrow(why);
    expect(() => load(line)).toThrow(/failed to load edge agent config '.*edge-\d+\.toml'/);
  });

  it('loadEdgeConfig requires proxy_socket', () => {
    const file = join(dir, 'no-proxy.toml');
    writeFileSync(
      file,
      ['name = "svc"', 'address = "a"', 'listen = "a:1"', 'state_dir = "/x"'].join('\n'),
    );

    expect(() => loadEdgeConfig(file)).toThrow(/no-proxy\.toml': proxy_socket: is required/);
  });
});

describe('loadEdgeConfig [acme]', () => {
  it('loadEdgeConfig reads [acme] with its defaults', () => {
    const c = load(
      '[acme]',
      'directory_url = "https://ca.test:14000/dir"',
      'eab_kid = "k"',
      'eab_hmac_key_file = "/etc/mcp/eab.key"',
    );

    expect(c.acme).toEqual({
      directoryUrl: 'https://ca.test:14000/dir',
      caFile: undefined,
      eabKid: 'k',
      eabHmacKeyFile: '/etc/mcp/eab.key',
      email: undefined,
      renewBeforeDays: 30,
      checkIntervalMs: 3_600_000,
    });
    expect(load().acme).toBeUndefined();
  });

  it('loadEdgeConfig resolves relative [acme] paths against the config file directory', () => {
    writeFileSync(join(dir, 'rel-ca.pem'), 'PEM');
    const c = load(
      '[acme]',
      'directory_url = "https://ca.test:14000/dir"',
      'ca_file = "rel-ca.pem"',
      'eab_kid = "k"',
      'eab_hmac_key_file = "keys/eab.key"',
      'dns01_mcns_url = "http://mcns.test:8080"',
      'dns01_mcns_token_file = "../mcns.token"',
      'dns01_zone = "example.net"',
    );

    expect(c.acme).toMatchObject({
      caFile: join(dir, 'rel-ca.pem'),
      eabHmacKeyFile: join(dir, 'keys', 'eab.key'),
      dns01McnsTokenFile: join(dir, '..', 'mcns.token'),
    });
  });

  it('loadEdgeConfig refuses an [acme] ca_file that cannot be read, naming it', () => {
    const lines = ['[acme]', 'directory_url = "https://ca/dir"', 'ca_file = "no-such-ca.pem"'];

    expect(() => load(...lines)).toThrow(ConfigError);
    expect(() => load(...lines)).toThrow(
      `: acme.ca_file: '${join(dir, 'no-such-ca.pem')}' is not readable: ENOENT`,
    );
  });

  it('loadEdgeConfig reads the dns-01 keys of [acme]', () => {
    const c = load(
      '[acme]',
      'directory_url = "https://ca.test:14000/dir"',
      'dns01_mcns_url = "http://mcns.test:8080"',
      'dns01_mcns_token_file = "/etc/mcp/mcns.token"',
      'dns01_zone = "example.net"',
    );

    expect(c.acme).toMatchObject({
      dns01McnsUrl: 'http://mcns.test:8080',
      dns01McnsTokenFile: '/etc/mcp/mcns.token',
      dns01Zone: 'example.net',
    });
  });

  it.each([
    { lines: ['[acme]', 'email = "a@b.c"'], reason: 'acme.directory_url: is required' },
    { lines: ['[acme]', 'directory_url = "ca"'], reason: 'acme.directory_url: must be a URL' },
    {
      lines: ['[acme]', 'directory_url = "https://ca/dir"', 'renew_before_days = 0'],
      reason: 'acme.renew_before_days: must be above 0',
    },
    {
      lines: ['[acme]', 'directory_url = "https://ca/dir"', 'eab_kid = "k"'],
      reason: 'acme: eab_kid and eab_hmac_key_file go together',
    },
    {
      lines: ['[acme]', 'directory_url = "https://ca/dir"', 'eab_key = "k"'],
      reason: 'acme.eab_key: is not an edge agent setting',
    },
    {
      lines: ['[acme]', 'directory_url = "https://ca/dir"', 'dns01_zone = "mcp.test"'],
      reason: 'acme: dns01_mcns_url, dns01_mcns_token_file and dns01_zone go together',
    },
  ])('loadEdgeConfig refuses $reason', ({ lines, reason }) => {
    expect(() => load(...lines)).toThrow(ConfigError);
    expect(() => load(...lines)).toThrow(reason);
  });
});

describe('loadEdgeConfig [tls] and [mcias]', () => {
  it('loadEdgeConfig requires [tls] and [mcias], naming the file', () => {
    expect(() => loadWith([], false)).toThrow(ConfigError);
    expect(() => loadWith([], false)).toThrow(
      /failed to load edge agent config '.*edge-\d+\.toml': tls: required/,
    );
    expect(() => loadWith(SECURITY.slice(0, 4), false)).toThrow(/': mcias: required/);
  });

  it('loadEdgeConfig refuses a private key or token file others may read', () => {
    const loose = join(dir, 'loose.key');
    writeFileSync(loose, 'KEY PEM\n', { mode: 0o644 });
    const lines = SECURITY.map((l) => (l.startsWith('key_file') ? `key_file = "${loose}"` : l));

    expect(() => loadWith(lines, false)).toThrow(
      /': tls\.key_file: failed to read TLS private key '.*loose\.key': its mode is 0644/,
    );
  });

  it.each([
    { from: 'url = "https://127.0.0.1:9443"', to: 'url = "http://mcias"', why: /mcias\.url: / },
    { from: '[mcias]', to: '[mcias]\nsecret = "x"', why: /mcias\.secret: unknown key/ },
    { from: 'token_file = "tls/agent.token"', to: 'token_file = "none"', why: /token_file: / },
  ])('loadEdgeConfig refuses $to', ({ from, to, why }) => {
    const lines = SECURITY.map((l) => (l === from ? to : l));

    expect(() => loadWith(lines, false)).toThrow(ConfigError);
    expect(() => loadWith(lines, false)).toThrow(why);
  });
});
