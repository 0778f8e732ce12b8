// The CLI's own config: where the master listens, where service definitions live, the agents
// for `--direct` mode, and how the CLI proves who it is (the platform CA, the token file, MCIAS).
// A TOML file, validated, every error naming the file and field.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

import { parse, TomlError } from 'smol-toml';
import { z } from 'zod';
import { DNS_LABEL } from '@mcp/scheduler';

import { ConfigError, ConfigNotFoundError, fileErrorReason, type ConfigSource } from './errors.js';
import { nodeSsh, nodeSshFields, type NodeSsh } from './node-config.js';

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/;

/** `host:port` with a port a socket can use; Node refuses 0 and anything past 65535 late. */
const hostPort = z
  .string()
  .regex(HOST_PORT, 'must be host:port')
  .refine((value) => {
    const port = Number(value.slice(value.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'the port must be between 1 and 65535');

const path = z.string().min(1, 'must not be empty');

const schema = z.strictObject({
  master: hostPort.optional(),
  services_dir: path.optional(),
  ca_file: path.optional(),
  token_file: path.optional(),
  mcias: z
    .strictObject({
      url: z.string().regex(/^https:\/\/[^/\s]+/, 'must be an https:// URL'),
      ca_file: path.optional(),
    })
    .optional(),
  nodes: z
    .array(
      z.strictObject({
        name: z.string().regex(DNS_LABEL, 'must be a DNS label'),
        address: hostPort,
        ...nodeSshFields,
      }),
    )
    .default([]),
});

/** An agent the CLI can reach without the master (`--direct`, a later mode). */
export interface NodeEntry {
  /** Node name, a DNS label. */
  name: string;
  /** Agent gRPC address, `host:port`. */
  address: string;
  /** How to reach the node over SSH, for upgrades and provisioning; absent without `ssh`. */
  ssh?: NodeSsh;
}

/** The CLI config, as loaded. */
export interface McpConfig {
  /** The file it came from, absolute. */
  file: string;
  /** How that file was chosen. */
  source: ConfigSource;
  /** Master gRPC address `host:port`; required by every command that talks to the master. */
  master: string | undefined;
  /** Directory of service definitions. Default: `services` beside the config file. */
  servicesDir: string;
  /** Agents, for `--direct`. Default: none. */
  nodes: NodeEntry[];
  /**
   * `ca_file`: the platform CA (PEM) the master's and agents' certificates must chain to;
   * required by every command that connects. Undefined when the config has none.
   */
  caFile: string | undefined;
  /** `token_file`: where `mcp login` keeps the MCIAS token. Default: `token` beside this file. */
  tokenFile: string;
  /** `[mcias]`: where `mcp login` asks for a token; undefined when the table is absent. */
  mcias: McIasEntry | undefined;
}

/** The `[mcias]` table of the CLI config. */
export interface McIasEntry {
  /** `url`: `https://host:port` of MCIAS, without a trailing slash. */
  url: string;
  /** `ca_file`: the CA of MCIAS's certificate. Default: the top-level `ca_file`. */
  caFile: string | undefined;
}

/** Where the config file is: `--config`, else `MCP_CONFIG`, else `~/.config/mcp/mcp.toml`. */
export function configPath(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { file: string; source: ConfigSource } {
  if (flag) return { file: resolve(flag), source: 'flag' };
  if (env.MCP_CONFIG) return { file: resolve(env.MCP_CONFIG), source: 'env' };
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return { file: join(base, 'mcp', 'mcp.toml'), source: 'default' };
}

/** Reads and validates the config file chosen by `configPath`. */
export async function loadConfig(
  flag?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<McpConfig> {
  const { file, source } = configPath(flag, env);

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigNotFoundError(file, source, { cause: err });
    throw new ConfigError(file, '', `cannot read it: ${fileErrorReason(err)}`, { cause: err });
  }

  return parseConfig(text, file, source);
}

/** Validates config text; `file` names it in errors and anchors relative paths. */
export function parseConfig(text: string, file: string, source: ConfigSource): McpConfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = (err.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
      throw new ConfigError(file, `line ${err.line}`, reason, { cause: err });
    }
    throw err;
  }

  // Schema, then the rules a schema does not say.
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const keys = issue?.code === 'unrecognized_keys' ? issue.keys : [];
    const path = [...(issue?.path ?? []), ...keys.slice(0, 1)];
    throw new ConfigError(file, fieldPath(path), keys.length > 0 ? 'unknown field' : why(issue));
  }
  const seen = new Set<string>();
  r.data.nodes.forEach((n, i) => {
    if (seen.has(n.name)) throw new ConfigError(file, `nodes[${i}].name`, `duplicate '${n.name}'`);
    seen.add(n.name);
  });

  const caFile = r.data.ca_file === undefined ? undefined : expand(r.data.ca_file, file);
  r.data.nodes.forEach((n, i) => {
    if (n.credentials && n.credentials.ca_file === undefined && caFile === undefined) {
      const why = 'required: set it here or the top-level ca_file (the platform CA, PEM)';
      throw new ConfigError(file, `nodes[${i}].credentials.ca_file`, why);
    }
  });
  const mcias = r.data.mcias;
  return {
    file,
    source,
    master: r.data.master,
    servicesDir: expand(r.data.services_dir ?? 'services', file),
    nodes: r.data.nodes.map((n) => ({
      name: n.name,
      address: n.address,
      ssh: nodeSsh(n, file, caFile),
    })),
    caFile,
    tokenFile: expand(r.data.token_file ?? 'token', file),
    mcias: mcias && {
      url: mcias.url.replace(/\/+$/, ''),
      caFile: mcias.ca_file === undefined ? caFile : expand(mcias.ca_file, file),
    },
  };
}

/** The master address, or a ConfigError saying how to set it. */
export function requireMaster(config: McpConfig): string {
  if (config.master) return config.master;
  throw new ConfigError(config.file, 'master', 'required: set master = "<host>:<port>"');
}

/** The platform CA file, or a ConfigError saying how to set it. */
export function requireCaFile(config: McpConfig): string {
  if (config.caFile) return config.caFile;
  throw new ConfigError(
    config.file,
    'ca_file',
    'required to connect: set ca_file = "<the platform CA certificate, PEM>"',
  );
}

/** Where MCIAS is and the CA of its certificate, or a ConfigError saying what to set. */
export function requireMcias(config: McpConfig): { url: string; caFile: string } {
  const mcias = config.mcias;
  if (!mcias) {
    throw new ConfigError(
      config.file,
      'mcias.url',
      'required to log in: set [mcias] url = "https://<host>:<port>"',
    );
  }
  if (!mcias.caFile) {
    throw new ConfigError(
      config.file,
      'mcias.ca_file',
      "required to log in: set [mcias] ca_file, or ca_file for the platform CA that signed MCIAS's certificate",
    );
  }
  return { url: mcias.url, caFile: mcias.caFile };
}

/** `~` is the home directory; a relative path is relative to the config file's directory. */
function expand(value: string, file: string): string {
  if (value === '~' || value.startsWith('~/')) return join(homedir(), value.slice(1));
  return isAbsolute(value) ? value : resolve(dirname(file), value);
}

function why(issue: z.core.$ZodIssue | undefined): string {
  const message = issue?.message ?? 'invalid';
  if (message.endsWith('received undefined')) return 'required';
  return message.replace(/^Invalid input: /, '');
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`))
    .join('');
}
