import { mkdir, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';

import { registerCleanup } from './cleanup.js';
import { run } from './exec.js';
import { unixRequest } from './http.js';
import type { PodmanNetwork, StorageDriver } from './podman-config.js';
import { podmanPaths, writePodmanConfig } from './podman-config.js';
import { teardownPodman, teardownPodmanSync } from './podman-teardown.js';
import { spawnProcess, waitUntilReady } from './process.js';
import { PODMAN_TOOLS, requireTools } from './requirements.js';

/** Options of `startPodman`. */
export interface PodmanOptions {
  /** Directory that holds everything of this instance; created, and removed by `stop()`. */
  readonly dir: string;
  /**
   * Registries (`host:port`) reached over plain HTTP. They must be known before the service
   * starts: it reads registries.conf once. Default: none.
   */
  readonly insecureRegistries?: readonly string[];
  /** Default: `overlay` (native kernel overlayfs; `vfs` copies every layer per container). */
  readonly storageDriver?: StorageDriver;
  /**
   * Network namespace (a name under /run/netns) to run the service in, entered with nsenter
   * (not `ip netns exec`, whose new mount namespace hides the cgroup mount from runc).
   * Default: the test process's own.
   */
  readonly netns?: string;
  /** How long to wait for the API to answer `_ping`. Default: 30 000 ms. */
  readonly readyTimeoutMs?: number;
}

/** A running private Podman API service. */
export interface Podman {
  readonly dir: string;
  /** Unix socket of the Docker-compatible API, e.g. for dockerode's `socketPath`. */
  readonly socketPath: string;
  /** PID of `podman system service`. */
  readonly pid: number;
  /** The variables that point podman at this instance's configuration (merge into an env). */
  readonly env: Readonly<Record<string, string>>;
  /** The private bridge network that is this instance's default network. */
  readonly network: PodmanNetwork;
  readonly storageDriver: StorageDriver;
  /** Runs the podman CLI against this instance's storage and returns its stdout. */
  podman(args: readonly string[]): Promise<string>;
  /** Removes every container, stops the service and removes `dir`, leaving nothing behind. */
  stop(): Promise<void>;
}

/** Starts `podman system service` with its own storage, configuration, locks and bridge. */
export async function startPodman(options: PodmanOptions): Promise<Podman> {
  requireTools('podman service', PODMAN_TOOLS);
  const storageDriver = options.storageDriver ?? 'overlay';

  // Mount points under dir are matched by path at teardown: use the real one.
  await mkdir(resolve(options.dir), { recursive: true });
  const paths = podmanPaths(await realpath(resolve(options.dir)));
  const network = await writePodmanConfig(paths, storageDriver, options.insecureRegistries ?? []);
  const env = {
    CONTAINERS_CONF: paths.containersConf,
    CONTAINERS_REGISTRIES_CONF: paths.registriesConf,
    CONTAINERS_STORAGE_CONF: paths.storageConf,
    TMPDIR: paths.scratch,
  };
  const fullEnv = { ...process.env, ...env };
  const [bin = 'podman', ...prefix] = options.netns
    ? ['nsenter', `--net=/run/netns/${options.netns}`, 'podman']
    : ['podman'];
  const globalArgs = [...prefix, '--root', paths.root, '--runroot', paths.runroot];

  // Start the service and wait for the API.
  const service = await spawnProcess(
    bin,
    [...globalArgs, 'system', 'service', '--time=0', `unix://${paths.socket}`],
    { env: fullEnv, logFile: paths.log },
  );
  const remains = { paths, network, bin, globalArgs, env: fullEnv, service };
  try {
    await waitUntilReady(service, () => ping(paths.socket), {
      what: `podman service on ${paths.socket}`,
      timeoutMs: options.readyTimeoutMs ?? 30_000,
    });
  } catch (err) {
    await teardownPodman(remains).catch(() => undefined);
    throw err;
  }

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    unregister();
    stopped ??= teardownPodman(remains);
    return stopped;
  };
  const unregister = registerCleanup({
    label: `podman service ${paths.socket}`,
    stop,
    stopSync: () => teardownPodmanSync(remains),
  });

  return {
    dir: paths.dir,
    socketPath: paths.socket,
    pid: service.pid,
    env,
    network,
    storageDriver,
    podman: (args) => run(bin, [...globalArgs, ...args], { env: fullEnv }),
    stop,
  };
}

async function ping(socketPath: string): Promise<boolean> {
  const res = await unixRequest({ socketPath, path: '/v1.41/_ping', timeoutMs: 2_000 });
  return res.status === 200 && res.body === 'OK';
}
