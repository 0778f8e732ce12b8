// One SSH session to a node (node-ssh over ssh2): the host key is checked against known_hosts
// before authentication, so a refused key means nothing was sent or uploaded.
import { NodeSSH } from 'node-ssh';

import type { NodeSsh } from '../node-config.js';
import {
  HostKeyChangedError,
  HostKeyUnknownError,
  RemoteCommandError,
  SshError,
} from './errors.js';
import { checkHostKey, hostPattern, knownKeys, type HostKeyVerdict } from './known-hosts.js';

/** How long to wait for the SSH handshake; default 10 s. */
export const SSH_READY_TIMEOUT_MS = 10_000;

/** An open session; `close()` when done. */
export interface NodeSession {
  readonly node: string;
  /** Runs `command` through the login shell; resolves to stdout, RemoteCommandError otherwise. */
  run(command: string, options?: { stdin?: string }): Promise<string>;
  /** Uploads a local file to a path on the node (SFTP). */
  put(local: string, remote: string): Promise<void>;
  close(): void;
}

/** Single-quotes a word for the remote POSIX shell. */
export function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Opens a session to `node` as its `ssh` settings say. */
export async function openSession(node: string, settings: NodeSsh): Promise<NodeSession> {
  const { host, port, user, knownHosts } = settings;
  const where = `${user}@${hostPattern(host, port)}`;
  const known = knownKeys(knownHosts, host, port);
  let verdict: HostKeyVerdict | undefined;

  const ssh = new NodeSSH();
  try {
    await ssh.connect({
      host,
      port,
      username: user,
      privateKeyPath: settings.identityFile,
      readyTimeout: SSH_READY_TIMEOUT_MS,
      hostVerifier: (key: Buffer) => {
        verdict = checkHostKey(key, known);
        return verdict.result === 'known';
      },
    });
  } catch (err) {
    ssh.dispose();
    if (verdict?.result === 'unknown') {
      throw new HostKeyUnknownError(node, where, verdict.fingerprint, knownHosts);
    }
    if (verdict?.result === 'changed') {
      throw new HostKeyChangedError(node, where, verdict.fingerprint, verdict.expected, knownHosts);
    }
    throw new SshError(node, where, (err as Error).message, { cause: err });
  }

  return {
    node,
    async run(command, options = {}) {
      const out = await ssh.execCommand(command, { stdin: options.stdin });
      if (out.code !== 0) throw new RemoteCommandError(node, command, out.code, out.stderr);
      return out.stdout;
    },
    async put(local, remote) {
      try {
        await ssh.putFile(local, remote);
      } catch (err) {
        throw new SshError(node, where, `upload to ${remote}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
    close: () => ssh.dispose(),
  };
}
