// The per-node fields of the CLI config that upgrades and provisioning use: how to reach the
// node over SSH, what to install there and how to restart it.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

import { z } from 'zod';

const SSH = /^([^@\s]+)@(\[[0-9a-fA-F:.]+\]|[^\s:@[\]]+)(?::(\d{1,5}))?$/;

/** The `[[nodes]]` fields of this file, as the schema reads them. */
export const nodeSshFields = {
  ssh: z.string().regex(SSH, 'must be user@host or user@host:port').optional(),
  arch: z.enum(['amd64', 'arm64']).optional(),
  program: z.enum(['agent', 'edge-agent']).optional(),
  sudo: z.enum(['sudo', 'doas', '']).optional(),
  restart_command: z.string().min(1, 'must not be empty').optional(),
  identity_file: z.string().min(1, 'must not be empty').optional(),
  known_hosts: z.string().min(1, 'must not be empty').optional(),
  root: z.string().refine(isAbsolute, 'must be an absolute path').optional(),
  agent: z.record(z.string(), z.unknown()).optional(),
  credentials: z
    .strictObject({
      ca_file: z.string().min(1, 'must not be empty').optional(),
      cert_file: z.string().min(1, 'must not be empty'),
      key_file: z.string().min(1, 'must not be empty'),
      token_file: z.string().min(1, 'must not be empty'),
    })
    .optional(),
};

/** The default restart command, after the `sudo` prefix (the unit that provisioning installs). */
export const DEFAULT_RESTART_COMMAND = 'systemctl restart mcp-agent';

/** How the CLI reaches and manages one node over SSH (`ssh = ...` in its `[[nodes]]` entry). */
export interface NodeSsh {
  /** Login user, from `ssh = "user@host[:port]"`. */
  user: string;
  /** SSH host, from `ssh`. */
  host: string;
  /** SSH port, from `ssh`; default 22. */
  port: number;
  /** `arch`: which artifact the node runs; default `amd64`. */
  arch: 'amd64' | 'arm64';
  /** `program`: `agent`, or `edge-agent` on the edge node; default `agent`. */
  program: 'agent' | 'edge-agent';
  /**
   * `sudo`: the prefix of privileged commands, `sudo`, `doas` or `""`; default `sudo`, and `""`
   * when the user is root.
   */
  sudo: string;
  /**
   * `restart_command`: run over SSH to restart the agent; default
   * `<sudo> systemctl restart mcp-agent`.
   */
  restartCommand: string;
  /** `identity_file`: the private key; default `~/.ssh/id_ed25519`. `~` is expanded. */
  identityFile: string;
  /** `known_hosts`: checked for the node's host key; default `~/.ssh/known_hosts`. */
  knownHosts: string;
  /**
   * `root`: the directory that stands for `/` on the node, under which `/srv/mcp`, `/etc` and the
   * unit live; default `/`. Only tests set it, to run a node inside a directory.
   */
  root: string;
  /** `[nodes.agent]`: extra settings of the agent's TOML written by `mcp node provision`. */
  agent: Record<string, unknown>;
  /**
   * `[nodes.credentials]`: local files `mcp node provision` copies to the node for the agent's
   * `[tls]` and `[mcias]`; undefined when the table is absent.
   */
  credentials: NodeCredentialFiles | undefined;
}

/** `[nodes.credentials]`: paths on the operator's machine, expanded like the others. */
export interface NodeCredentialFiles {
  /** `ca_file`: the platform CA (PEM). Default: the top-level `ca_file`. */
  caFile: string;
  /** `cert_file`: the agent's certificate (PEM), for the names and IPs it is dialled by. */
  certFile: string;
  /** `key_file`: its private key (PEM); mode 0600 or stricter. */
  keyFile: string;
  /** `token_file`: the node's `agent-<node>` MCIAS token; mode 0600 or stricter. */
  tokenFile: string;
}

type Raw = { [K in keyof typeof nodeSshFields]?: z.infer<(typeof nodeSshFields)[K]> };

/**
 * The NodeSsh of a `[[nodes]]` entry, or undefined when it has no `ssh`. `caFile` is the
 * top-level `ca_file` (expanded), the default of `[nodes.credentials] ca_file`.
 */
export function nodeSsh(
  raw: Raw,
  configFile: string,
  caFile: string | undefined,
): NodeSsh | undefined {
  const match = raw.ssh ? SSH.exec(raw.ssh) : null;
  if (!match) return undefined;
  const [, user = '', host = '', port] = match;
  const sudo = raw.sudo ?? (user === 'root' ? '' : 'sudo');
  return {
    user,
    host: host.replace(/^\[(.*)\]$/, '$1'),
    port: port ? Number(port) : 22,
    arch: raw.arch ?? 'amd64',
    program: raw.program ?? 'agent',
    sudo,
    restartCommand: raw.restart_command ?? privileged(sudo, DEFAULT_RESTART_COMMAND),
    identityFile: expand(raw.identity_file ?? '~/.ssh/id_ed25519', configFile),
    knownHosts: expand(raw.known_hosts ?? '~/.ssh/known_hosts', configFile),
    root: raw.root ?? '/',
    agent: raw.agent ?? {},
    credentials: credentialFiles(raw.credentials, configFile, caFile),
  };
}

function credentialFiles(
  raw: Raw['credentials'],
  configFile: string,
  caFile: string | undefined,
): NodeCredentialFiles | undefined {
  if (!raw) return undefined;
  const ca = raw.ca_file === undefined ? caFile : expand(raw.ca_file, configFile);
  // parseConfig refuses this first, naming the field.
  if (ca === undefined) throw new Error('[nodes.credentials] ca_file: required');
  return {
    caFile: ca,
    certFile: expand(raw.cert_file, configFile),
    keyFile: expand(raw.key_file, configFile),
    tokenFile: expand(raw.token_file, configFile),
  };
}

/** `~` is the home directory; a relative path is relative to the config file's directory. */
function expand(path: string, configFile: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(configFile, '..', path);
}

/** `command` with the node's privilege prefix. */
export function privileged(sudo: string, command: string): string {
  return sudo ? `${sudo} ${command}` : command;
}

/** A path on the node (`/srv/mcp/mcp-agent`) under the node's root. */
export function onNode(ssh: NodeSsh, path: string): string {
  return ssh.root === '/' ? path : join(ssh.root, path);
}
