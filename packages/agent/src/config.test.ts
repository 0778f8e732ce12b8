import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { nodeArch, nodeOs } from '@mcp/membership';
import { afterAll, describe, expect, it } from 'vitest';

import { securityLines } from '../test/security-files.js';
import { ConfigError, loadAgentConfig } from './config.js';

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

const dir = tempDir('agent-config-');
const SECURITY = securityLines(dir);
let n = 0;

/** Loads a config with `extra`, and `[tls]` and `[mcias]` at the end unless `security` is false. */
function load(extra: string, security: string[] = SECURITY) {
  const file = join(dir, `agent-${n++}.toml`);
  writeFileSync(
    file,
    [
      'name = "rift"',
      'address = "127.0.0.2"',
      'listen = "127.0.0.2:7443"',
      `state_dir = "${dir}"`,
      extra,
      ...security,
    ].join('\n'),
  );
  return loadAgentConfig(file);
}

const GiB = 2 ** 30;

describe('loadAgentConfig', () => {
  it('defaults the fleet fields to a standalone compute node as detected', () => {
    const c = load('');

    expect(c.master).toBeUndefined();
    expect(c.roles).toEqual(['compute']);
    expect(c.pools).toEqual([]);
    expect(c.arch).toBe(nodeArch());
    expect(c.os).toBe(nodeOs());
    expect(c.heartbeatIntervalMs).toBe(10_000);
    expect(c.capacity).toBeUndefined();
    expect(c.reserved).toEqual({ cpuMillis: 0, memoryBytes: 0, diskBytes: 0 });
  });

  it('reads master, roles, pools, platform, interval, capacity and reserved', () => {
    const c = load(`
master = "127.0.0.1:7000"
roles = ["compute", "control"]
pools = ["pi-pool"]
arch = "arm64"
os = "debian"
heartbeat_interval_ms = 2000

[capacity]
cpu = "2"
memory = "4Gi"
disk = "100Gi"

[reserved]
cpu = "500m"
memory = "512Mi"
`);

    expect(c.master).toBe('127.0.0.1:7000');
    expect(c.roles).toEqual(['compute', 'control']);
    expect(c.pools).toEqual(['pi-pool']);
    expect([c.arch, c.os]).toEqual(['arm64', 'debian']);
    expect(c.heartbeatIntervalMs).toBe(2000);
    expect(c.capacity).toEqual({ cpuMillis: 2000, memoryBytes: 4 * GiB, diskBytes: 100 * GiB });
    expect(c.reserved).toEqual({ cpuMillis: 500, memoryBytes: 512 * 2 ** 20, diskBytes: 0 });
  });

  it('defaults the proxy fields to no proxy, certificates under state_dir and zone local', () => {
    const c = load('');

    expect(c.proxySocket).toBeUndefined();
    expect(c.certDir).toBe(join(dir, 'certs'));
    expect(c.zone).toBe('local');
  });

  it('reads proxy_socket, cert_dir and zone', () => {
    const c = load(
      'proxy_socket = "/run/mc-proxy.sock"\ncert_dir = "/etc/mcp/certs"\nzone = "mcp.test"',
    );

    expect(c.proxySocket).toBe('/run/mc-proxy.sock');
    expect(c.certDir).toBe('/etc/mcp/certs');
    expect(c.zone).toBe('mcp.test');
  });

  it('reads [acme] with its defaults, and leaves it out when absent', () => {
    const caFile = join(dir, 'acme-ca.pem');
    writeFileSync(caFile, 'PEM');
    const c = load(
      '[acme]\ndirectory_url = "https://ca.test:14000/dir"\neab_kid = "k"\n' +
        `eab_hmac_key_file = "/etc/mcp/eab.key"\nca_file = "${caFile}"`,
    );

    expect(load('').acme).toBeUndefined();
    expect(c.acme).toEqual({
      directoryUrl: 'https://ca.test:14000/dir',
      caFile,
      eabKid: 'k',
      eabHmacKeyFile: '/etc/mcp/eab.key',
      email: undefined,
      renewBeforeDays: 30,
      checkIntervalMs: 3_600_000,
    });
  });

  it('refuses an [acme] without a directory URL, or with half an EAB', () => {
    expect(() => load('[acme]\ndirectory_url = "not a url"')).toThrow(/acme\.directory_url/);
    expect(() => load('[acme]\ndirectory_url = "https://ca.test/dir"\neab_kid = "k"')).toThrow(
      /acme: eab_kid and eab_hmac_key_file go together/,
    );
    expect(() => load('[acme]\nemail = "a@b.c"')).toThrow(/acme\.directory_url/);
  });

  it('loadAgentConfig resolves relative [acme] paths against the config file directory', () => {
    writeFileSync(join(dir, 'rel-ca.pem'), 'PEM');
    const c = load(
      '[acme]\ndirectory_url = "https://ca.test/dir"\nca_file = "rel-ca.pem"\neab_kid = "k"\n' +
        'eab_hmac_key_file = "keys/eab.key"\ndns01_mcns_url = "http://mcns.test:8080"\n' +
        'dns01_mcns_token_file = "../mcns.token"\ndns01_zone = "mcp.test"',
    );

    expect(c.acme).toMatchObject({
      caFile: join(dir, 'rel-ca.pem'),
      eabHmacKeyFile: join(dir, 'keys', 'eab.key'),
      dns01McnsTokenFile: join(dir, '..', 'mcns.token'),
    });
  });

  it('loadAgentConfig refuses an [acme] ca_file that cannot be read, naming it', () => {
    const missing = join(dir, 'no-such-ca.pem');

    expect(() =>
      load('[acme]\ndirectory_url = "https://ca.test/dir"\nca_file = "no-such-ca.pem"'),
    ).toThrow(new RegExp(`: acme\\.ca_file: '${missing}' is not readable: ENOENT`));
    expect(() =>
      load('[acme]\ndirectory_url = "https://ca.test/dir"\nca_file = "no-such-ca.pem"'),
    ).toThrow(ConfigError);
  });

  it('reads the dns-01 keys of [acme], all three or none', () => {
    const acme = '[acme]\ndirectory_url = "https://ca.test/dir"\n';
    const c = load(
      acme +
        'dns01_mcns_url = "http://mcns.test:8080"\ndns01_mcns_token_file = "/etc/mcp/mcns.token"\n' +
        'dns01_zone = "mcp.test"',
    );

    expect(c.acme).toMatchObject({
      dns01McnsUrl: 'http://mcns.test:8080',
      dns01McnsTokenFile: '/etc/mcp/mcns.token',
      dns01Zone: 'mcp.test',
    });
    expect(load(acme).acme?.dns01McnsUrl).toBeUndefined();
    expect(() => load(`${acme}dns01_mcns_url = "http://mcns.test:8080"`)).toThrow(
      /dns01_mcns_url, dns01_mcns_token_file and dns01_zone go together/,
    );
  });

  it('keeps only the capacity fields given', () => {
    expect(load('[capacity]\nmemory = "1Gi"\n').capacity).toEqual({ memoryBytes: GiB });
  });

  it.each([
    { extra: 'roles = ["edge"]', field: /roles\[0\]/ },
    { extra: 'roles = []', field: /roles/ },
    { extra: 'master = "nohost"', field: /master: must be host:port/ },
    { extra: 'pools = ["Pi Pool"]', field: /pools\[0\]: must be a DNS label/ },
    { extra: '[capacity]\ncpu = "2x"', field: /capacity\.cpu: '2x' is not a quantity/ },
    { extra: '[reserved]\ngpu = "1"', field: /reserved/ },
    { extra: 'zone = "Bad Zone"', field: /zone: must be a lower-case DNS name/ },
    { extra: 'zone = "mcp..test"', field: /zone: must be a lower-case DNS name/ },
    { extra: 'proxy_socket = ""', field: /proxy_socket/ },
    { extra: 'cert_dir = 7', field: /cert_dir/ },
  ])('refuses $extra', ({ extra, field }) => {
    expect(() => load(extra)).toThrow(ConfigError);
    expect(() => load(extra)).toThrow(field);
  });
});

describe('loadAgentConfig [tls] and [mcias]', () => {
  it('loadAgentConfig reads [tls] and [mcias], paths relative to the config file', () => {
    expect(load('').security).toEqual({
      tls: {
        caFile: join(dir, 'tls/ca.crt'),
        certFile: join(dir, 'tls/node.crt'),
        keyFile: join(dir, 'tls/node.key'),
      },
      mcias: {
        url: 'https://127.0.0.1:9443',
        caFile: join(dir, 'tls/ca.crt'),
        tokenFile: join(dir, 'tls/agent.token'),
      },
    });
  });

  it('loadAgentConfig requires [tls] and [mcias], naming the file', () => {
    expect(() => load('', [])).toThrow(ConfigError);
    expect(() => load('', [])).toThrow(
      /failed to load agent config '.*agent-\d+\.toml': tls: required: every channel uses TLS/,
    );
    expect(() => load('', SECURITY.slice(0, 4))).toThrow(/\.toml': mcias: required/);
  });

  it('loadAgentConfig refuses a private key or token file others may read', () => {
    const loose = join(dir, 'loose.token');
    writeFileSync(loose, 'token\n', { mode: 0o640 });
    const lines = SECURITY.map((l) => (l.startsWith('token_file') ? `token_file = "${loose}"` : l));

    expect(() => load('', lines)).toThrow(
      /\.toml': mcias\.token_file: failed to read token file '.*loose\.token': its mode is 0640/,
    );
  });

  it.each([
    { from: 'url = "https://127.0.0.1:9443"', to: 'url = "http://mcias"', why: /mcias\.url: / },
    { from: '[tls]', to: '[tls]\nkey = "inline"', why: /tls\.key: unknown key/ },
    {
      from: 'ca_file = "tls/ca.crt"',
      to: 'ca_file = "none.crt"',
      why: /tls\.ca_file: .*no such file/,
    },
  ])('loadAgentConfig refuses $to', ({ from, to, why }) => {
    const lines = SECURITY.map((l) => (l === from ? to : l));

    expect(() => load('', lines)).toThrow(ConfigError);
    expect(() => load('', lines)).toThrow(why);
  });
});
