import { existsSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';

import { TeardownError } from './errors.js';
import { run, runSync } from './exec.js';
import type { PodmanNetwork, PodmanPaths } from './podman-config.js';
import type { SpawnedProcess } from './process.js';

/** What it takes to remove one private Podman without leftovers. */
export interface PodmanRemains {
  readonly paths: PodmanPaths;
  readonly network: PodmanNetwork;
  /** Global podman flags naming the private storage: `--root R --runroot S`. */
  /** The podman program, or nsenter when the service runs in a network namespace. */
  readonly bin: string;
  readonly globalArgs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly service: SpawnedProcess;
}

/**
 * Removes containers, stops the service, resets the storage, unmounts whatever overlay left
 * mounted, deletes the bridge if netavark did not, and removes the directory. Every step runs;
 * failures are thrown together at the end.
 */
export async function teardownPodman(remains: PodmanRemains): Promise<void> {
  const { paths, network, bin, globalArgs, env } = remains;
  const errors: unknown[] = [];
  const step = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      errors.push(err);
    }
  };

  await step(() => run(bin, [...globalArgs, 'rm', '-af', '-t', '0'], { env }));
  await step(() => remains.service.stop());
  await step(() => run(bin, [...globalArgs, 'system', 'reset', '-f'], { env }));
  for (const mount of mountsUnder(paths.dir)) {
    await step(() => run('umount', ['-l', mount]));
  }
  if (bridgeExists(network)) await step(() => run('ip', ['link', 'delete', network.bridge]));
  await step(() => rm(paths.dir, { recursive: true, force: true }));

  if (errors.length > 0) throw new TeardownError(`podman service '${paths.socket}'`, errors);
}

/** The same steps, blocking and best-effort, for the process `exit` event. */
export function teardownPodmanSync(remains: PodmanRemains): void {
  const { paths, network, bin, globalArgs, env } = remains;
  const step = (fn: () => unknown): void => {
    try {
      fn();
    } catch {
      // Best effort: an exit handler can report nothing.
    }
  };

  step(() => runSync(bin, [...globalArgs, 'rm', '-af', '-t', '0'], { env }));
  step(() => process.kill(remains.service.pid, 'SIGKILL'));
  step(() => runSync(bin, [...globalArgs, 'system', 'reset', '-f'], { env }));
  for (const mount of mountsUnder(paths.dir)) step(() => runSync('umount', ['-l', mount]));
  if (bridgeExists(network)) step(() => runSync('ip', ['link', 'delete', network.bridge]));
  step(() => rmSync(paths.dir, { recursive: true, force: true }));
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => unescapeMountPath(line.split(' ')[1] ?? ''))
    .filter((point) => point === dir || point.startsWith(`${dir}/`));

  return [...new Set(mounts)].sort((a, b) => b.length - a.length);
}

export function bridgeExists(network: PodmanNetwork): boolean {
  return existsSync(`/sys/class/net/${network.bridge}`);
}

// /proc/self/mounts writes space, tab, newline and backslash as octal escapes.
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}
