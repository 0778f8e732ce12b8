// Volume host paths: definitions say `/srv/<service>/...`; on this host that is
// `<srv_root>/<service>/...`, and it must stay there after resolving `..` and symbolic links.
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

import type { ServiceSpec } from '@mcp/proto';
import { clip } from '@mcp/security';

/** A volume whose host path would leave the service's directory; answered InvalidArgument. */
export class VolumePathError extends Error {
  readonly code = 'VOLUME_PATH';
  constructor(
    readonly service: string,
    readonly volume: string,
    /** The field of the definition, e.g. `components[0].volumes[1]`. */
    readonly field: string,
    readonly reason: string,
  ) {
    // The volume is clipped (the reason may echo its host path): the field must survive the cut
    // of error details.
    super(`failed to mount volume '${clip(volume)}' of service '${service}': ${field}: ${reason}`);
    this.name = 'VolumePathError';
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/** True when `path` exists as a name, a dangling symbolic link included. */
function named(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The deepest ancestor of `path` that exists (itself when it does), resolved through links;
 * undefined when that ancestor is a dangling symbolic link (it could point anywhere later).
 */
function realAncestor(path: string): string | undefined {
  let p = path;
  while (!named(p)) p = dirname(p);
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** One volume, checked and mapped to this host; nothing created yet. */
interface PlannedVolume {
  service: string;
  volume: string;
  field: string;
  /** The host directory, `<srv_root>/<service>/...`, `..` resolved. */
  target: string;
  serviceDir: string;
  container: string;
  options: string | undefined;
}

/**
 * Checks a volume without touching the disk: the host path is `/srv/<service>` or below, stays
 * below it once `..` is resolved, and the deepest part of it that exists already resolves
 * (through symbolic links) inside `<srv_root>/<service>`.
 */
function planVolume(
  service: string,
  volume: string,
  srvRoot: string,
  field: string,
): PlannedVolume {
  const [host = '', container = '', options] = volume.split(':');
  const logicalRoot = `/srv/${service}`;
  const refuse = (reason: string) => new VolumePathError(service, volume, field, reason);
  if (host !== logicalRoot && !host.startsWith(`${logicalRoot}/`)) {
    throw refuse(`host path '${host}' is outside ${logicalRoot}`);
  }

  const root = resolve(srvRoot);
  const serviceDir = join(root, service);
  const target = resolve(serviceDir, relative(logicalRoot, host));
  if (!inside(serviceDir, target)) throw refuse(`host path '${host}' leaves ${logicalRoot}`);

  // Symbolic links: srv_root itself may be one (its real path counts); the service's directory
  // and everything below it that exists must resolve inside that directory. A path that does
  // not exist yet is created by createVolume and checked again there.
  if (named(serviceDir)) {
    const realService = realAncestor(serviceDir);
    const outside = `host path '${host}' resolves outside ${logicalRoot} (a symbolic link)`;
    if (realService !== join(realpathSync(root), service)) throw refuse(outside);
    const realTarget = realAncestor(target);
    if (realTarget === undefined || !inside(realService, realTarget)) throw refuse(outside);
  }
  return { service, volume, field, target, serviceDir, container, options };
}

/**
 * Creates the host directory of a checked volume and checks it again; the bind string.
 *
 * TODO: the runtime resolves the bind's source path again when it starts the container, so a
 * process that can write inside /srv/<service> (a container of the service with that volume)
 * can swap a directory on the path for a symbolic link between this check and the mount and get
 * a host directory mounted. Closing it needs the mount made from a file descriptor opened here
 * (O_PATH|O_NOFOLLOW), which the Docker API does not take.
 */
function createVolume(p: PlannedVolume): string {
  mkdirSync(p.target, { recursive: true });
  const real = realpathSync(p.target);
  if (!inside(realpathSync(p.serviceDir), real)) {
    const reason = `host path resolves outside /srv/${p.service} (a symbolic link)`;
    throw new VolumePathError(p.service, p.volume, p.field, reason);
  }
  return [real, p.container, ...(p.options ? [p.options] : [])].join(':');
}

/**
 * Turns one definition volume into a bind for this host, creating the host directory.
 * Checks happen before anything is created, so a symbolic link cannot make mkdir write
 * outside the service's directory. `field` names it in errors. @throws VolumePathError
 */
export function resolveVolume(
  service: string,
  volume: string,
  srvRoot: string,
  field = 'volume',
): string {
  return createVolume(planVolume(service, volume, srvRoot, field));
}

/**
 * The binds of every component of `spec`, in order: every volume is checked before any host
 * directory is created, so one bad volume leaves nothing behind. @throws VolumePathError
 */
export function resolveVolumes(spec: ServiceSpec, srvRoot: string): string[][] {
  const planned = spec.components.map((c, i) =>
    c.volumes.map((v, j) => planVolume(spec.name, v, srvRoot, `components[${i}].volumes[${j}]`)),
  );
  return planned.map((binds) => binds.map(createVolume));
}
