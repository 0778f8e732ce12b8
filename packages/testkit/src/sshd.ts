// A real OpenSSH server (Debian openssh-server) on a loopback port, standing in for a node's SSH:
// generated host and user keys, its own config, pid file and logs under `dir`.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import { registerCleanup } from './cleanup.js';
import { TeardownError } from './errors.js';
import { run } from './exec.js';
import { freePort } from './net.js';
import { spawnProcess, waitUntilReady } from './process.js';
import { waitForTcp } from './wait.js';

/** Where and how to run the server. */
export interface SshdOptions {
  /** Created; holds keys, config, logs; removed by `stop()`. */
  dir: string;
  /** Listen address. Default `127.0.0.1`. */
  host?: string;
  /** Port. Default: a free one. */
  port?: number;
  /** Environment of every session (sshd's `SetEnv`), e.g. a PATH. Default: none. */
  setEnv?: Record<string, string>;
  /** Ready timeout. Default 10 000 ms. */
  readyTimeoutMs?: number;
}

/** A running sshd that lets `root` in with the generated user key. */
export interface Sshd {
  host: string;
  port: number;
  dir: string;
  pid: number;
  /** The login user: root (the agent under test runs as root, like the test Podman). */
  user: string;
  /** Private key that is authorized. */
  identityFile: string;
  /** A known_hosts file holding this server's host key for `[host]:port`. */
  knownHosts: string;
  /** Writes a known_hosts file that holds another key for this server, as after a key change. */
  changedKnownHosts(): Promise<string>;
  stop(): Promise<void>;
}

async function keygen(file: string): Promise<string> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mcp-test', '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

function knownHostsLine(host: string, port: number, pub: string): string {
  const [type, key] = pub.split(/\s+/);
  return `[${host}]:${port} ${type} ${key}\n`;
}

/** Starts `/usr/sbin/sshd -D -e` and waits until it accepts connections. */
export async function startSshd(options: SshdOptions): Promise<Sshd> {
  const { dir } = options;
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // sshd refuses to start without its privilege separation directory (Debian creates it at boot).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const hostPub = await keygen(join(dir, 'ssh_host_ed25519_key'));
  const userPub = await keygen(join(dir, 'id_ed25519'));
  writeFileSync(join(dir, 'authorized_keys'), `${userPub}\n`, { mode: 0o600 });
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, knownHostsLine(host, port, hostPub));
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress ${host}:${port}`,
      `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'AllowUsers root',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'StrictModes no',
      'UsePAM no',
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      // One SetEnv line: sshd takes only the first of several.
      ...(options.setEnv
        ? [
            `SetEnv ${Object.entries(options.setEnv)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`,
          ]
        : []),
      '',
    ].join('\n'),
  );

  const proc = await spawnProcess('/usr/sbin/sshd', ['-D', '-e', '-f', config], {
    logFile: join(dir, 'sshd.log'),
  });
  const stopAll = async (): Promise<void> => {
    const errors: unknown[] = [];
    await proc.stop().catch((err: unknown) => errors.push(err));
    await rm(dir, { recursive: true, force: true }).catch((err: unknown) => errors.push(err));
    if (errors.length > 0) throw new TeardownError(`sshd '${host}:${port}'`, errors);
  };
  try {
    await waitUntilReady(proc, () => waitForTcp(host, port, 1_000).then(() => true), {
      what: `sshd on ${host}:${port}`,
      timeoutMs: options.readyTimeoutMs ?? 10_000,
    });
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    unregister();
    stopped ??= stopAll();
    return stopped;
  };
  const unregister = registerCleanup({
    label: `sshd ${host}:${port}`,
    stop,
    stopSync: () => {
      if (proc.running()) process.kill(proc.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  });

  return {
    host,
    port,
    dir,
    pid: proc.pid,
    user: 'root',
    identityFile: join(dir, 'id_ed25519'),
    knownHosts,
    async changedKnownHosts() {
      const other = await keygen(join(dir, 'other_host_key'));
      const file = join(dir, 'known_hosts.changed');
      writeFileSync(file, knownHostsLine(host, port, other));
      return file;
    },
    stop,
  };
}
