// Volume host paths: definitions say `/srv/<service>/...`; on this host that is
// `<srv_root>/<service>/...`, and it must stay there after resolving `..` and symbolic links.
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** A volume whose host path would leave the service's directory. */
export class VolumePathError extends Error {
  readonly code = 'VOLUME_PATH';
  constructor(
    readonly service: string,
    readonly volume: string,
    reason: string,
  ) {
    super(`failed to mount volume '${volume}' of service '${service}': ${reason}`);
    this.name = 'VolumePathError';
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/** The deepest existing ancestor of `path` (itself when it exists), resolved through links. */
function realAncestor(path: string): string {
  let p = path;
  while (!existsSync(p)) p = dirname(p);
  return realpathSync(p);
}

/**
 * Turns a definition's volume into a bind for this host, creating the host directory.
 * Checks happen before anything is created, so a symbolic link cannot make mkdir write
 * outside the service's directory.
 */
export function resolveVolume(service: string, volume: string, srvRoot: string): string {
  const [host = '', container = '', options] = volume.split(':');
  const logicalRoot = `/srv/${service}`;
  if (host !== logicalRoot && !host.startsWith(`${logicalRoot}/`)) {
    throw new VolumePathError(service, volume, `host path is outside ${logicalRoot}`);
  }

  const root = resolve(srvRoot);
  const serviceDir = join(root, service);
  const target = resolve(serviceDir, relative(logicalRoot, host));
  if (!inside(serviceDir, target)) {
    throw new VolumePathError(service, volume, `host path leaves ${logicalRoot}`);
  }

  mkdirSync(root, { recursive: true });
  const realRoot = realpathSync(root);
  for (const p of [serviceDir, target]) {
    const real = realAncestor(p);
    if (!inside(realRoot, real) || (p === target && !inside(realAncestor(serviceDir), real))) {
      throw new VolumePathError(service, volume, `host path resolves outside ${logicalRoot}`);
    }
  }

  mkdirSync(target, { recursive: true });
  const real = realpathSync(target);
  if (!inside(realpathSync(serviceDir), real)) {
    throw new VolumePathError(service, volume, `host path resolves outside ${logicalRoot}`);
  }
  return [real, container, ...(options ? [options] : [])].join(':');
}
