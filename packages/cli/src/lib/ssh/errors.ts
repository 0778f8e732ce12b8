// Errors of the SSH side of the CLI (host keys, sessions, remote commands), one per condition.
import { CliError } from '../errors.js';

/** The node's host key is in no known_hosts entry for its address: nothing is sent. */
export class HostKeyUnknownError extends CliError {
  readonly code = 'HOST_KEY_UNKNOWN';

  constructor(
    readonly node: string,
    readonly host: string,
    readonly fingerprint: string,
    readonly knownHosts: string,
  ) {
    super(
      `failed to connect to node '${node}' at ${host}: host key ${fingerprint} is not in ` +
        `${knownHosts}; check the fingerprint on the node (ssh-keygen -lf ` +
        `/etc/ssh/ssh_host_ed25519_key.pub) and add it with ssh-keyscan`,
    );
    this.name = 'HostKeyUnknownError';
  }
}

/** The node offered a key other than the one known_hosts holds for it: refused. */
export class HostKeyChangedError extends CliError {
  readonly code = 'HOST_KEY_CHANGED';

  constructor(
    readonly node: string,
    readonly host: string,
    readonly fingerprint: string,
    readonly expected: readonly string[],
    readonly knownHosts: string,
  ) {
    super(
      `failed to connect to node '${node}' at ${host}: its host key changed: it offered ` +
        `${fingerprint}, ${knownHosts} holds ${expected.join(', ')}; refusing to go on ` +
        `(someone may be intercepting the connection, or the node was reinstalled)`,
    );
    this.name = 'HostKeyChangedError';
  }
}

/** The SSH session could not be opened (refused, authentication, timeout). */
export class SshError extends CliError {
  readonly code = 'SSH_FAILED';

  constructor(
    readonly node: string,
    readonly host: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to connect to node '${node}' over SSH at ${host}: ${reason}`, options);
    this.name = 'SshError';
  }
}

/** A command run on the node over SSH exited non-zero. */
export class RemoteCommandError extends CliError {
  readonly code = 'REMOTE_COMMAND';

  constructor(
    readonly node: string,
    readonly command: string,
    readonly exit: number | null,
    readonly stderr: string,
  ) {
    const why = stderr.trim().split('\n').slice(-5).join('\n') || 'no output';
    super(`failed to run '${command}' on node '${node}': exit ${exit ?? 'by signal'}: ${why}`);
    this.name = 'RemoteCommandError';
  }
}
