import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';

import { stringify } from 'smol-toml';

/** Where one private Podman keeps everything; all of it lives under `dir`. */
export interface PodmanPaths {
  readonly dir: string;
  readonly root: string;
  readonly runroot: string;
  /** Podman's own tmp_dir: alive files, file locks, exit files. */
  readonly tmp: string;
  /** TMPDIR of podman and image_copy_tmp_dir: build contexts, layer copies. */
  readonly scratch: string;
  readonly networks: string;
  readonly socket: string;
  readonly containersConf: string;
  readonly registriesConf: string;
  readonly storageConf: string;
  readonly log: string;
}

/** The bridge network that stands in for Podman's default one, private to one instance. */
export interface PodmanNetwork {
  readonly name: string;
  /** Host interface name of the bridge, unique on this machine. */
  readonly bridge: string;
  readonly subnet: string;
  readonly gateway: string;
}

/** Storage drivers that work here; `overlay` needs kernel overlayfs on the disk of `dir`. */
export type StorageDriver = 'overlay' | 'vfs';

export function podmanPaths(dir: string): PodmanPaths {
  return {
    dir,
    root: join(dir, 'root'),
    runroot: join(dir, 'runroot'),
    tmp: join(dir, 'tmp'),
    scratch: join(dir, 'scratch'),
    networks: join(dir, 'networks'),
    socket: join(dir, 'podman.sock'),
    containersConf: join(dir, 'containers.conf'),
    registriesConf: join(dir, 'registries.conf'),
    storageConf: join(dir, 'storage.conf'),
    log: join(dir, 'podman.log'),
  };
}

/** Writes the three configuration files and the network definition; returns the network. */
export async function writePodmanConfig(
  paths: PodmanPaths,
  storageDriver: StorageDriver,
  insecureRegistries: readonly string[],
): Promise<PodmanNetwork> {
  for (const sub of [paths.root, paths.runroot, paths.tmp, paths.scratch, paths.networks]) {
    await mkdir(sub, { recursive: true });
  }
  const network = pickNetwork();

  await writeFile(paths.containersConf, stringify(containersConf(paths, network)));
  await writeFile(paths.registriesConf, stringify(registriesConf(insecureRegistries)));
  await writeFile(
    paths.storageConf,
    stringify({
      storage: { driver: storageDriver, graphroot: paths.root, runroot: paths.runroot },
    }),
  );
  await writeFile(join(paths.networks, `${network.name}.json`), networkFile(network));
  return network;
}

function containersConf(paths: PodmanPaths, network: PodmanNetwork): object {
  return {
    containers: {
      // The sandbox lacks CAP_SYS_RESOURCE: Podman's default ulimits cannot be set here.
      default_ulimits: ['nofile=1024:1024', 'nproc=1024:1024'],
      log_driver: 'k8s-file',
    },
    network: {
      network_backend: 'netavark',
      network_config_dir: paths.networks,
      default_network: network.name,
    },
    engine: {
      // crun refuses the hybrid cgroup layout of this machine.
      runtime: 'runc',
      cgroup_manager: 'cgroupfs',
      events_logger: 'file',
      events_logfile_path: join(paths.dir, 'events.log'),
      tmp_dir: paths.tmp,
      static_dir: join(paths.root, 'libpod'),
      volume_path: join(paths.root, 'volumes'),
      image_copy_tmp_dir: paths.scratch,
      // The default shm lock segment /dev/shm/libpod_lock is shared by every rootful Podman.
      lock_type: 'file',
    },
  };
}

function registriesConf(insecure: readonly string[]): object {
  return {
    'unqualified-search-registries': [],
    registry: insecure.map((location) => ({ location, insecure: true })),
  };
}

/**
 * Podman's built-in default network always uses the bridge `podman0` and 10.88.0.0/16, which two
 * instances would share. A network file of our own, named as the default, gives each instance a
 * bridge and a /24 of its own, picked at random in 10.128.0.0/9 away from subnets in use.
 */
function pickNetwork(): PodmanNetwork {
  const used = new Set(
    Object.values(networkInterfaces())
      .flat()
      .filter((a) => a?.family === 'IPv4')
      .map((a) => a?.address.split('.').slice(0, 3).join('.')),
  );

  for (;;) {
    const prefix = `10.${randomInt(128, 256)}.${randomInt(0, 256)}`;
    const bridge = `mcptk${randomBytes(4).toString('hex')}`;
    if (used.has(prefix) || existsSync(`/sys/class/net/${bridge}`)) continue;

    return { name: 'mcp-testkit', bridge, subnet: `${prefix}.0/24`, gateway: `${prefix}.1` };
  }
}

function networkFile(network: PodmanNetwork): string {
  const file = {
    name: network.name,
    id: randomBytes(32).toString('hex'),
    driver: 'bridge',
    network_interface: network.bridge,
    created: new Date().toISOString(),
    subnets: [{ subnet: network.subnet, gateway: network.gateway }],
    ipv6_enabled: false,
    internal: false,
    dns_enabled: false,
    ipam_options: { driver: 'host-local' },
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
