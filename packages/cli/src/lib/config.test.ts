import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  configPath,
  loadConfig,
  parseConfig,
  requireCaFile,
  requireMaster,
  requireMcias,
} from './config.js';
import { ConfigError, ConfigNotFoundError } from './errors.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-config-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(text: string): Promise<string> {
  const file = join(dir, 'mcp.toml');
  await writeFile(file, text);
  return file;
}

describe('configPath', () => {
  it.each([
    {
      description: 'the flag wins over the environment',
      flag: '/a/flag.toml',
      env: { MCP_CONFIG: '/b/env.toml' },
      want: { file: '/a/flag.toml', source: 'flag' },
    },
    {
      description: 'MCP_CONFIG wins over the default',
      flag: undefined,
      env: { MCP_CONFIG: '/b/env.toml' },
      want: { file: '/b/env.toml', source: 'env' },
    },
    {
      description: 'the default honours XDG_CONFIG_HOME',
      flag: undefined,
      env: { XDG_CONFIG_HOME: '/x' },
      want: { file: '/x/mcp/mcp.toml', source: 'default' },
    },
    {
      description: 'the default is ~/.config/mcp/mcp.toml',
      flag: undefined,
      env: {},
      want: { file: join(homedir(), '.config', 'mcp', 'mcp.toml'), source: 'default' },
    },
  ])('configPath: $description', ({ flag, env, want }) => {
    expect(configPath(flag, env)).toEqual(want);
  });
});

describe('loadConfig', () => {
  it('loadConfig reads master and nodes, and puts services beside the config file', async () => {
    const file = await write(
      [
        'master = "100.64.0.1:9443"',
        '[[nodes]]',
        'name = "rift"',
        'address = "100.64.0.2:9444"',
        '[[nodes]]',
        'name = "orion"',
        'address = "[fd7a::3]:9444"',
      ].join('\n'),
    );

    const config = await loadConfig(undefined, { MCP_CONFIG: file });

    expect(config).toEqual({
      file,
      source: 'env',
      master: '100.64.0.1:9443',
      servicesDir: join(dir, 'services'),
      nodes: [
        { name: 'rift', address: '100.64.0.2:9444' },
        { name: 'orion', address: '[fd7a::3]:9444' },
      ],
      caFile: undefined,
      tokenFile: join(dir, 'token'),
      mcias: undefined,
    });
  });

  it('loadConfig resolves ca_file, token_file and [mcias] ca_file against the config file', async () => {
    const file = await write(
      [
        'ca_file = "pki/ca.crt"',
        'token_file = "/run/me/mcp.token"',
        '[mcias]',
        'url = "https://mcias.test:8443/"',
        'ca_file = "mcias-ca.pem"',
      ].join('\n'),
    );

    const config = await loadConfig(file, {});

    expect(config.caFile).toBe(join(dir, 'pki', 'ca.crt'));
    expect(config.tokenFile).toBe('/run/me/mcp.token');
    expect(config.mcias).toEqual({
      url: 'https://mcias.test:8443',
      caFile: join(dir, 'mcias-ca.pem'),
    });
  });

  it('loadConfig defaults [mcias] ca_file to ca_file and token_file to token beside the file', async () => {
    const file = await write('ca_file = "ca.crt"\n[mcias]\nurl = "https://127.0.0.1:9443"\n');

    const config = await loadConfig(file, {});

    expect(config.mcias).toEqual({ url: 'https://127.0.0.1:9443', caFile: join(dir, 'ca.crt') });
    expect(config.tokenFile).toBe(join(dir, 'token'));
  });

  it('loadConfig resolves a relative services_dir against the config file', async () => {
    const file = await write('master = "m:1"\nservices_dir = "defs"\n');

    const config = await loadConfig(file, {});

    expect(config.servicesDir).toBe(join(dir, 'defs'));
    expect(config.source).toBe('flag');
  });

  it('loadConfig expands ~ in services_dir', async () => {
    const file = await write('services_dir = "~/defs"\n');

    expect((await loadConfig(file, {})).servicesDir).toBe(join(homedir(), 'defs'));
  });

  it('loadConfig names a config path that is a directory', async () => {
    const read = loadConfig(dir, {});

    await expect(read).rejects.toThrow(ConfigError);
    await expect(read).rejects.toThrow(
      `invalid config '${dir}': cannot read it: is a directory, not a file`,
    );
  });

  it('loadConfig says where it looked and how to set the file when there is none', async () => {
    const missing = join(dir, 'nope.toml');

    const fromEnv = loadConfig(undefined, { MCP_CONFIG: missing });
    await expect(fromEnv).rejects.toThrow(ConfigNotFoundError);
    await expect(fromEnv).rejects.toThrow(`'${missing}': no such file (named by MCP_CONFIG)`);

    const byDefault = loadConfig(undefined, { XDG_CONFIG_HOME: dir });
    await expect(byDefault).rejects.toThrow(join(dir, 'mcp', 'mcp.toml'));
    await expect(byDefault).rejects.toThrow('set MCP_CONFIG or pass --config');
    await expect(byDefault).rejects.toThrow('master = "<host>:<port>"');
  });
});

describe('parseConfig', () => {
  it.each([
    {
      description: 'a bad master',
      text: 'master = "nohost"',
      field: 'master',
      reason: 'host:port',
    },
    {
      description: 'a master port past 65535',
      text: 'master = "127.0.0.1:99999"',
      field: 'master',
      reason: 'the port must be between 1 and 65535',
    },
    {
      description: 'a master port 0',
      text: 'master = "[::1]:0"',
      field: 'master',
      reason: 'between 1 and 65535',
    },
    {
      description: 'a node address port past 65535',
      text: '[[nodes]]\nname = "rift"\naddress = "rift:70000"',
      field: 'nodes[0].address',
      reason: 'between 1 and 65535',
    },
    { description: 'a wrong type', text: 'master = 3', field: 'master', reason: 'expected string' },
    {
      description: 'an unknown field',
      text: 'mastr = "a:1"',
      field: 'mastr',
      reason: 'unknown field',
    },
    {
      description: 'a node without address',
      text: '[[nodes]]\nname = "rift"',
      field: 'nodes[0].address',
      reason: 'required',
    },
    {
      description: 'a node name that is not a DNS label',
      text: '[[nodes]]\nname = "Rift_1"\naddress = "a:1"',
      field: 'nodes[0].name',
      reason: 'DNS label',
    },
    {
      description: 'a duplicate node',
      text: '[[nodes]]\nname = "a"\naddress = "a:1"\n[[nodes]]\nname = "a"\naddress = "b:1"',
      field: 'nodes[1].name',
      reason: "duplicate 'a'",
    },
    {
      description: 'an [mcias] url that is not https',
      text: '[mcias]\nurl = "http://mcias:80"',
      field: 'mcias.url',
      reason: 'must be an https:// URL',
    },
    {
      description: 'an unknown [mcias] key',
      text: '[mcias]\nurl = "https://mcias:443"\ntoken = "x"',
      field: 'mcias.token',
      reason: 'unknown field',
    },
    {
      description: 'an empty ca_file',
      text: 'ca_file = ""',
      field: 'ca_file',
      reason: 'must not be empty',
    },
    {
      description: 'a TOML syntax error',
      text: 'master = "a:1"\nx = = 1',
      field: 'line 2',
      reason: '',
    },
  ])('parseConfig names the file and field for $description', ({ text, field, reason }) => {
    const file = '/etc/mcp/mcp.toml';

    let caught: unknown;
    try {
      parseConfig(text, file, 'flag');
    } catch (err) {
      caught = err;
    }

    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.file).toBe(file);
    expect(err.field).toBe(field);
    expect(err.message).toContain(`invalid config '${file}': ${field}: `);
    expect(err.reason).toContain(reason);
  });
});

describe('requireMaster', () => {
  it('requireMaster names the file and the field when master is missing', () => {
    const config = parseConfig('', '/c/mcp.toml', 'default');

    expect(() => requireMaster(config)).toThrow(
      `invalid config '/c/mcp.toml': master: required: set master = "<host>:<port>"`,
    );
    expect(config.nodes).toEqual([]);
  });
});

describe('requireCaFile and requireMcias', () => {
  it('requireCaFile says how to set ca_file when a command must connect without one', () => {
    const config = parseConfig('master = "m:1"', '/c/mcp.toml', 'default');

    expect(() => requireCaFile(config)).toThrow(
      `invalid config '/c/mcp.toml': ca_file: required to connect: set ca_file = `,
    );
  });

  it('requireMcias names [mcias] url, then the CA, when they are missing', () => {
    const none = parseConfig('', '/c/mcp.toml', 'default');
    const noCa = parseConfig('[mcias]\nurl = "https://m:1"', '/c/mcp.toml', 'default');

    expect(() => requireMcias(none)).toThrow(
      `invalid config '/c/mcp.toml': mcias.url: required to log in: set [mcias] url = `,
    );
    expect(() => requireMcias(noCa)).toThrow(`invalid config '/c/mcp.toml': mcias.ca_file:`);
  });
});
