import { homedir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseConfig } from './config.js';
import { ConfigError } from './errors.js';

const FILE = '/home/op/.config/mcp/mcp.toml';
const node = (extra: string): string => `[[nodes]]\nname = "rift"\naddress = "rift:7443"\n${extra}`;

describe('node SSH settings', () => {
  it('node SSH settings take their defaults from ssh alone', () => {
    const [rift] = parseConfig(node('ssh = "op@100.64.0.2"'), FILE, 'flag').nodes;

    expect(rift?.ssh).toEqual({
      user: 'op',
      host: '100.64.0.2',
      port: 22,
      arch: 'amd64',
      program: 'agent',
      sudo: 'sudo',
      restartCommand: 'sudo systemctl restart mcp-agent',
      identityFile: join(homedir(), '.ssh/id_ed25519'),
      knownHosts: join(homedir(), '.ssh/known_hosts'),
      root: '/',
      agent: {},
      credentials: undefined,
    });
  });

  it('node SSH settings read every field, a port, doas, and relative paths beside the file', () => {
    const text = node(
      [
        'ssh = "root@[fd00::2]:2222"',
        'arch = "arm64"',
        'program = "edge-agent"',
        'sudo = "doas"',
        'identity_file = "keys/id"',
        'known_hosts = "/etc/ssh/ssh_known_hosts"',
        '[nodes.agent]',
        'master = "100.64.0.1:7000"',
      ].join('\n'),
    );
    const [rift] = parseConfig(text, FILE, 'flag').nodes;

    expect(rift?.ssh).toMatchObject({
      user: 'root',
      host: 'fd00::2',
      port: 2222,
      arch: 'arm64',
      program: 'edge-agent',
      restartCommand: 'doas systemctl restart mcp-agent',
      identityFile: '/home/op/.config/mcp/keys/id',
      knownHosts: '/etc/ssh/ssh_known_hosts',
      agent: { master: '100.64.0.1:7000' },
    });
  });

  it('node SSH settings leave ssh out of a node without it, and refuse a bad value', () => {
    expect(parseConfig(node(''), FILE, 'flag').nodes[0]?.ssh).toBeUndefined();
    expect(() => parseConfig(node('ssh = "no-user-here"'), FILE, 'flag')).toThrow(ConfigError);
    expect(() => parseConfig(node('ssh = "a@b"\narch = "riscv"'), FILE, 'flag')).toThrow(
      'nodes[0].arch',
    );
  });

  it('node SSH settings read [nodes.credentials], ca_file from the top level', () => {
    const text =
      'ca_file = "ca.crt"\n' +
      node(
        [
          'ssh = "op@rift"',
          '[nodes.credentials]',
          'cert_file = "rift/agent.crt"',
          'key_file = "/secure/rift.key"',
          'token_file = "~/tokens/agent-rift"',
        ].join('\n'),
      );
    const [rift] = parseConfig(text, FILE, 'flag').nodes;

    expect(rift?.ssh?.credentials).toEqual({
      caFile: '/home/op/.config/mcp/ca.crt',
      certFile: '/home/op/.config/mcp/rift/agent.crt',
      keyFile: '/secure/rift.key',
      tokenFile: join(homedir(), 'tokens/agent-rift'),
    });
  });

  it('node SSH settings take [nodes.credentials] ca_file over the top-level one', () => {
    const text =
      'ca_file = "ca.crt"\n' +
      node(
        'ssh = "op@rift"\n[nodes.credentials]\nca_file = "other-ca.crt"\n' +
          'cert_file = "c"\nkey_file = "k"\ntoken_file = "t"',
      );

    expect(parseConfig(text, FILE, 'flag').nodes[0]?.ssh?.credentials?.caFile).toBe(
      '/home/op/.config/mcp/other-ca.crt',
    );
  });

  it('node SSH settings refuse credentials without a CA, a field, or with another', () => {
    const table = (fields: string): string =>
      node(`ssh = "op@rift"\n[nodes.credentials]\n${fields}`);
    const all = 'cert_file = "c"\nkey_file = "k"\ntoken_file = "t"';

    expect(() => parseConfig(table(all), FILE, 'flag')).toThrow(
      `invalid config '${FILE}': nodes[0].credentials.ca_file: required: set it here or the ` +
        'top-level ca_file',
    );
    expect(() =>
      parseConfig(`ca_file = "ca"\n${table('cert_file = "c"\nkey_file = "k"')}`, FILE, 'flag'),
    ).toThrow('nodes[0].credentials.token_file: required');
    expect(() =>
      parseConfig(`ca_file = "ca"\n${table(`${all}\nkey = "k"`)}`, FILE, 'flag'),
    ).toThrow('nodes[0].credentials.key: unknown field');
  });
});
