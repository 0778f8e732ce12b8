import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

import { ToolMissingError } from './errors.js';

/** A program the testkit runs, and where Debian ships it. */
export interface Tool {
  /** A command name looked up on PATH, or an absolute path. */
  readonly tool: string;
  readonly debianPackage: string;
}

// Root's PATH on Debian has the sbin directories; a test runner's PATH may not.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Podman's service with the setup of DESIGN.md section 9. */
export const PODMAN_TOOLS: readonly Tool[] = [
  { tool: 'podman', debianPackage: 'podman' },
  { tool: 'conmon', debianPackage: 'conmon' },
  { tool: 'runc', debianPackage: 'runc' },
  { tool: '/usr/lib/podman/netavark', debianPackage: 'netavark' },
  { tool: 'iptables', debianPackage: 'iptables' },
  { tool: 'ip', debianPackage: 'iproute2' },
  { tool: 'umount', debianPackage: 'mount' },
  { tool: '/etc/containers/policy.json', debianPackage: 'golang-github-containers-common' },
];

export const REGISTRY_TOOLS: readonly Tool[] = [
  { tool: 'docker-registry', debianPackage: 'docker-registry' },
];

export const IMAGE_TOOLS: readonly Tool[] = [
  { tool: '/bin/busybox', debianPackage: 'busybox-static' },
  { tool: 'tar', debianPackage: 'tar' },
];

/** Returns the full path of a command, or undefined when it is not installed. */
export function findTool(tool: string): string | undefined {
  if (isAbsolute(tool)) return exists(tool) ? tool : undefined;

  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const path = join(dir, tool);
    if (dir !== '' && isExecutable(path)) return path;
  }
  return undefined;
}

/** Throws one error naming every missing program and its Debian package. */
export function requireTools(what: string, tools: readonly Tool[]): void {
  const missing = tools.filter((t) => findTool(t.tool) === undefined);
  if (missing.length > 0) throw new ToolMissingError(what, missing);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    accessSync(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}
