// The agent's `[tls]` and `[mcias]`: which local files `[nodes.credentials]` names, read and
// checked before anything is sent, and their upload to /etc/mcp, each file written atomically
// with its final owner and mode.
import { createHash } from 'node:crypto';

import {
  readPublicFile,
  readSecretFile,
  SecretFileError,
  SecretFileModeError,
} from '@mcp/security';

import {
  ConfigError,
  onNode,
  ProvisionCredentialsError,
  quote,
  type McpConfig,
  type NodeSession,
  type SshNode,
} from '../../index.js';

/** Where the files go on the node, and the fields of the agent's TOML that name them. */
export const NODE_CREDENTIALS = {
  caFile: '/etc/mcp/ca.crt',
  certFile: '/etc/mcp/agent.crt',
  keyFile: '/etc/mcp/agent.key',
  tokenFile: '/etc/mcp/agent.token',
} as const;

/** One file to copy to the node. Its content is a secret for the key and the token. */
export interface CredentialFile {
  /** The `[nodes.credentials]` field it came from, `key_file`. */
  field: 'ca_file' | 'cert_file' | 'key_file' | 'token_file';
  /** The path on the node, under its root. */
  remote: string;
  content: Buffer;
  sha256: string;
  /** 0600 and owned by `mcp` when true, else 0644 and owned by root. */
  secret: boolean;
}

/** What provisioning gives the agent for TLS and MCIAS. */
export interface AgentSecurity {
  /** The files of `[nodes.credentials]`; empty when the table is absent. */
  files: CredentialFile[];
  /** The `tls` and `mcias` tables of the agent's TOML, before `[nodes.agent]` overrides them. */
  tables: Record<string, unknown>;
}

/**
 * Reads `[nodes.credentials]` and decides the agent's `tls` and `mcias`. Throws, before any
 * connection, when the agent would get neither, or a key or token file others may read.
 */
export function agentSecurity(node: SshNode, config: McpConfig): AgentSecurity {
  const { credentials, agent } = node.ssh;
  const hasTls = agent.tls !== undefined;
  const hasMcias = agent.mcias !== undefined;

  if (!credentials) {
    if (hasTls && hasMcias) return { files: [], tables: {} };
    const missing = [hasTls ? '' : 'tls', hasMcias ? '' : 'mcias'].filter(Boolean).join(' and ');
    throw new ProvisionCredentialsError(
      node.name,
      `its agent needs [tls] and [mcias], and [nodes.agent] gives no ${missing}: set ` +
        '[nodes.credentials] (cert_file, key_file, token_file, ca_file) to have them copied, ' +
        `or give tls and mcias in [nodes.agent], in ${config.file}`,
    );
  }

  // Every file is read here: a bad one stops the command before SSH.
  const read = (field: CredentialFile['field'], path: string, remote: string, secret: boolean) => {
    let content: Buffer;
    try {
      content = secret ? readSecretFile(path, WHAT[field]) : readPublicFile(path, WHAT[field]);
    } catch (err) {
      if (!(err instanceof SecretFileError || err instanceof SecretFileModeError)) throw err;
      const why = `[nodes.credentials] ${field}: ${(err as Error).message}`;
      throw new ProvisionCredentialsError(node.name, why, { cause: err });
    }
    if (content.toString('utf8').trim() === '') {
      const why = `[nodes.credentials] ${field}: ${WHAT[field]} '${path}' is empty`;
      throw new ProvisionCredentialsError(node.name, why);
    }
    const sha256 = createHash('sha256').update(content).digest('hex');
    return { field, remote: onNode(node.ssh, remote), content, sha256, secret };
  };
  const files: CredentialFile[] = [
    read('ca_file', credentials.caFile, NODE_CREDENTIALS.caFile, false),
    read('cert_file', credentials.certFile, NODE_CREDENTIALS.certFile, false),
    read('key_file', credentials.keyFile, NODE_CREDENTIALS.keyFile, true),
    read('token_file', credentials.tokenFile, NODE_CREDENTIALS.tokenFile, true),
  ];

  // The tables the node's files make; [nodes.agent] wins where it gives its own.
  const at = (path: string): string => onNode(node.ssh, path);
  const tables: Record<string, unknown> = {};
  if (!hasTls) {
    tables.tls = {
      ca_file: at(NODE_CREDENTIALS.caFile),
      cert_file: at(NODE_CREDENTIALS.certFile),
      key_file: at(NODE_CREDENTIALS.keyFile),
    };
  }
  if (!hasMcias) {
    if (!config.mcias) {
      throw new ConfigError(
        config.file,
        'mcias.url',
        `required to provision node '${node.name}' (its agent's [mcias] url): ` +
          'set [mcias] url = "https://<host>:<port>"',
      );
    }
    tables.mcias = { url: config.mcias.url, token_file: at(NODE_CREDENTIALS.tokenFile) };
  }
  return { files, tables };
}

const WHAT: Record<CredentialFile['field'], string> = {
  ca_file: 'CA certificate',
  cert_file: 'TLS certificate',
  key_file: 'TLS private key',
  token_file: 'token file',
};

/**
 * Copies the files that differ on the node (content, owner or mode) and returns their node
 * paths. `owner` is the `uid:gid` of `mcp`; `as` makes a command privileged.
 */
export async function uploadCredentials(
  session: NodeSession,
  files: readonly CredentialFile[],
  owner: string,
  as: (command: string) => string,
): Promise<string[]> {
  if (files.length === 0) return [];

  // What is there: one line per file, `<sha256> <uid>:<gid> <mode>` or `-`. Privileged: the key
  // and token are readable by `mcp` alone.
  const paths = files.map((f) => quote(f.remote)).join(' ');
  const probe =
    `for f in ${paths}; do if [ -f "$f" ]; then ` +
    `printf '%s %s\\n' "$(sha256sum < "$f" | cut -d' ' -f1)" "$(stat -c '%u:%g %a' "$f")"; ` +
    'else echo -; fi; done';
  const now = (await session.run(as(probe))).split('\n');

  const written: string[] = [];
  for (const [i, file] of files.entries()) {
    const [own, mode] = file.secret ? [owner, '600'] : ['0:0', '644'];
    if (now[i] === `${file.sha256} ${own} ${mode}`) continue;
    await writeAtomically(session, file, own, mode, as);
    written.push(file.remote);
  }
  return written;
}

/**
 * Writes a temporary file beside the target, created 0600 (mktemp) and given its owner and
 * mode before one rename(2) puts it in place: the key and token are never readable by others,
 * not even for a moment. The content goes over the session's stdin, never on a command line.
 */
async function writeAtomically(
  session: NodeSession,
  file: CredentialFile,
  owner: string,
  mode: string,
  as: (command: string) => string,
): Promise<void> {
  const slash = file.remote.lastIndexOf('/');
  const stem = `${file.remote.slice(0, slash)}/.${file.remote.slice(slash + 1)}`;
  const script = [
    'umask 077',
    `t=$(mktemp ${quote(`${stem}.XXXXXXXX`)}) || exit 1`,
    `trap 'rm -f "$t"' EXIT`,
    `cat > "$t" && chown ${owner} "$t" && chmod ${mode} "$t" && mv -f "$t" ${quote(file.remote)}`,
  ].join('\n');
  await session.run(as(script), { stdin: file.content.toString('utf8') });
}
