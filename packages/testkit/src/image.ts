import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { writeBusyboxTree } from './busybox.js';
import { CommandFailedError } from './errors.js';
import { run } from './exec.js';
import { httpRequest } from './http.js';
import type { Podman } from './podman.js';
import type { Registry } from './registry.js';
import { IMAGE_TOOLS, requireTools } from './requirements.js';

/** Options of `buildTestImage`. */
export interface TestImageOptions {
  /** The Podman that builds and pushes. */
  readonly podman: Pick<Podman, 'dir' | 'podman'>;
  /** The registry that receives every tag. */
  readonly registry: Pick<Registry, 'address'>;
  /** Repository name inside the registry. Default: `mcp-test/httpd`. */
  readonly name?: string;
  /** One image per tag; each differs in `/VERSION`. Default: `['v1', 'v2']`. */
  readonly tags?: readonly string[];
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/**
 * Makes sure `<registry>/<name>:<tag>` exists in the registry for every tag and returns those
 * references in the order of `tags`. The image is busybox-static alone: `/bin/busybox`, every
 * applet linked beside it on PATH (`sh`, `httpd`, `echo`, `cat`, `sleep`, ...), `/VERSION`
 * holding the tag, no entrypoint and `CMD ["/bin/sh"]`. A tag already in the registry is left
 * alone; an image already in Podman's storage is pushed without a build. Builds use no network.
 */
export async function buildTestImage(options: TestImageOptions): Promise<string[]> {
  requireTools('test image build', IMAGE_TOOLS);
  const { podman, registry } = options;
  const name = options.name ?? 'mcp-test/httpd';
  const refs: string[] = [];

  // One tag after the other: side by side they contend for the storage lock and gain nothing.
  for (const tag of options.tags ?? ['v1', 'v2']) {
    const ref = `${registry.address}/${name}:${tag}`;
    refs.push(ref);
    if (await registryHas(registry.address, name, tag)) continue;

    if (!(await imageExists(podman, ref))) await build(podman, ref, tag);
    await podman.podman(['push', '--tls-verify=false', ref]);
  }
  return refs;
}

/**
 * `podman import` of a tarred root file system: one commit, where `podman build` commits once per
 * instruction and took two to four times as long here. Nothing runs in a container.
 */
async function build(podman: TestImageOptions['podman'], ref: string, tag: string): Promise<void> {
  const context = join(podman.dir, 'scratch', `image-${tag}-${process.pid}`);
  const rootfs = join(context, 'rootfs');
  const tarball = join(context, 'rootfs.tar');

  try {
    await writeBusyboxTree(join(rootfs, 'bin'));
    await writeFile(join(rootfs, 'VERSION'), `${tag}\n`);
    await run('tar', [
      '-C',
      rootfs,
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-cf',
      tarball,
      '.',
    ]);

    await podman.podman([
      ...['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["/bin/sh"]'],
      ...['--change', `LABEL org.opencontainers.image.version=${tag}`],
      ...[tarball, ref],
    ]);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

async function imageExists(podman: TestImageOptions['podman'], ref: string): Promise<boolean> {
  try {
    await podman.podman(['image', 'exists', ref]);
    return true;
  } catch (err) {
    // `podman image exists` answers "no" with status 1; anything else is a real failure.
    if (err instanceof CommandFailedError && err.exitCode === 1) return false;
    throw err;
  }
}

async function registryHas(address: string, name: string, tag: string): Promise<boolean> {
  const res = await httpRequest(`http://${address}/v2/${name}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: MANIFEST_TYPES },
    timeoutMs: 5_000,
  });
  return res.status === 200;
}
