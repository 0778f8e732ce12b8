// The CLI's own config: where the master listens, where service definitions live, and the
// agents for `--direct` mode. A TOML file, validated, every error naming the file and field.
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

const schema = z.strictObject({
  master: hostPort.optional(),
  services_dir: z.string().min(1, 'must not be empty').optional(),
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

  return {
    file,
    source,
    master: r.data.master,
    servicesDir: servicesDir(r.data.services_dir, file),
    nodes: r.data.nodes.map((n) => ({ name: n.name, address: n.address, ssh: nodeSsh(n, file) })),
  };
}

/** The master address, or a ConfigError saying how to set it. */
export function requireMaster(config: McpConfig): string {
  if (config.master) return config.master;
  throw new ConfigError(config.file, 'master', 'required: set master = "<host>:<port>"');
}

function servicesDir(value: string | undefined, file: string): string {
  if (value === undefined) return join(dirname(file), 'services');
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
