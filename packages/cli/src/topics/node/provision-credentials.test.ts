import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';

import { ConfigError, parseConfig, ProvisionCredentialsError, type SshNode } from '../../index.js';
import { agentSecurity } from './provision-credentials.js';
import { agentToml } from './provision-files.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-provision-credentials-'));
const SECRET = 'agent-rift-token-value';
writeFileSync(join(dir, 'ca.crt'), 'CA PEM\n');
writeFileSync(join(dir, 'agent.crt'), 'CERT PEM\n');
writeFileSync(join(dir, 'agent.key'), 'KEY PEM\n', { mode: 0o600 });
writeFileSync(join(dir, 'open.key'), 'KEY PEM\n', { mode: 0o644 });
writeFileSync(join(dir, 'token'), `${SECRET}\n`, { mode: 0o600 });
writeFileSync(join(dir, 'empty.token'), '\n', { mode: 0o600 });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CREDENTIALS = [
  '[nodes.credentials]',
  'cert_file = "agent.crt"',
  'key_file = "agent.key"',
  'token_file = "token"',
].join('\n');

/** The config with one node `rift` whose entry ends with `extra`; `head` goes first. */
function load(extra: string, head = 'ca_file = "ca.crt"\n[mcias]\nurl = "https://mcias:8443"\n') {
  const entry = 'name = "rift"\naddress = "10.0.0.2:9444"\nssh = "op@rift"\nroot = "/t"';
  const text = `${head}\n[[nodes]]\n${entry}\n${extra}\n`;
  const config = parseConfig(text, join(dir, 'mcp.toml'), 'flag');
  return { config, node: config.nodes[0] as SshNode };
}

describe('agentSecurity', () => {
  it('agentSecurity reads the four files and names their node paths in tls and mcias', () => {
    const { config, node } = load(CREDENTIALS);

    const security = agentSecurity(node, config);

    expect(security.files.map((f) => [f.field, f.remote, f.secret])).toEqual([
      ['ca_file', '/t/etc/mcp/ca.crt', false],
      ['cert_file', '/t/etc/mcp/agent.crt', false],
      ['key_file', '/t/etc/mcp/agent.key', true],
      ['token_file', '/t/etc/mcp/agent.token', true],
    ]);
    expect(security.tables).toEqual({
      tls: {
        ca_file: '/t/etc/mcp/ca.crt',
        cert_file: '/t/etc/mcp/agent.crt',
        key_file: '/t/etc/mcp/agent.key',
      },
      mcias: { url: 'https://mcias:8443', token_file: '/t/etc/mcp/agent.token' },
    });
    const toml = parse(agentToml(node, security.tables));
    expect(toml.tls).toEqual(security.tables.tls);
    expect(toml.mcias).toEqual(security.tables.mcias);
  });

  it('agentSecurity leaves a table [nodes.agent] gives to it, and it wins in the TOML', () => {
    const agent =
      '[nodes.agent.tls]\nca_file = "/own/ca"\ncert_file = "/own/c"\nkey_file = "/own/k"';
    const { config, node } = load(`${CREDENTIALS}\n${agent}`);

    const security = agentSecurity(node, config);

    expect(security.files).toHaveLength(4);
    expect(Object.keys(security.tables)).toEqual(['mcias']);
    const toml = parse(agentToml(node, security.tables));
    expect(toml.tls).toEqual({ ca_file: '/own/ca', cert_file: '/own/c', key_file: '/own/k' });
    expect(toml.mcias).toEqual({ url: 'https://mcias:8443', token_file: '/t/etc/mcp/agent.token' });
  });

  it('agentSecurity copies nothing when [nodes.agent] gives tls and mcias', () => {
    const agent = [
      '[nodes.agent.tls]',
      'ca_file = "/own/ca"',
      'cert_file = "/own/c"',
      'key_file = "/own/k"',
      '[nodes.agent.mcias]',
      'url = "https://mcias:8443"',
      'token_file = "/own/t"',
    ].join('\n');
    const { config, node } = load(agent);

    expect(agentSecurity(node, config)).toEqual({ files: [], tables: {} });
  });

  it('agentSecurity refuses a node with neither [nodes.credentials] nor both tables', () => {
    const none = load('');
    const tlsOnly = load('[nodes.agent.tls]\nca_file = "/a"\ncert_file = "/b"\nkey_file = "/c"');

    expect(() => agentSecurity(none.node, none.config)).toThrow(
      new ProvisionCredentialsError(
        'rift',
        'its agent needs [tls] and [mcias], and [nodes.agent] gives no tls and mcias: set ' +
          '[nodes.credentials] (cert_file, key_file, token_file, ca_file) to have them copied, ' +
          `or give tls and mcias in [nodes.agent], in ${join(dir, 'mcp.toml')}`,
      ),
    );
    expect(() => agentSecurity(tlsOnly.node, tlsOnly.config)).toThrow(
      'and [nodes.agent] gives no mcias',
    );
  });

  it('agentSecurity refuses a key file others may read, naming it', () => {
    const { config, node } = load(CREDENTIALS.replace('"agent.key"', '"open.key"'));

    expect(() => agentSecurity(node, config)).toThrow(
      `failed to provision node 'rift': [nodes.credentials] key_file: failed to read TLS private ` +
        `key '${join(dir, 'open.key')}': its mode is 0644; it must be 0600 or stricter ` +
        `(chmod 600 ${join(dir, 'open.key')}); nothing was sent to the node`,
    );
  });

  it('agentSecurity refuses a missing or empty file without printing its content', () => {
    const missing = load(CREDENTIALS.replace('"agent.crt"', '"nope.crt"'));
    const empty = load(CREDENTIALS.replace('"token"', '"empty.token"'));

    expect(() => agentSecurity(missing.node, missing.config)).toThrow(
      `[nodes.credentials] cert_file: failed to read TLS certificate '${join(dir, 'nope.crt')}': ` +
        'no such file',
    );
    expect(() => agentSecurity(empty.node, empty.config)).toThrow(
      `[nodes.credentials] token_file: token file '${join(dir, 'empty.token')}' is empty`,
    );
  });

  it('agentSecurity needs the CLI [mcias] url unless [nodes.agent] gives mcias', () => {
    const { config, node } = load(CREDENTIALS, 'ca_file = "ca.crt"\n');

    expect(() => agentSecurity(node, config)).toThrow(ConfigError);
    expect(() => agentSecurity(node, config)).toThrow(
      "mcias.url: required to provision node 'rift'",
    );
  });

  it('agentSecurity keeps the token out of every message', () => {
    const { config, node } = load(CREDENTIALS.replace('"agent.key"', '"open.key"'));

    try {
      agentSecurity(node, config);
    } catch (err) {
      expect(String(err)).not.toContain(SECRET);
      return;
    }
    expect.unreachable('agentSecurity accepted a 0644 key');
  });
});
