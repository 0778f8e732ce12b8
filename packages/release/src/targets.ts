// The architectures an artifact is built for, and what building and running for each needs.
import { execPath } from 'node:process';

import { arm64RuntimeDir } from './runtime.js';

/** A node architecture as the fleet names it (`arch` in the agent and CLI configs). */
export type Arch = 'amd64' | 'arm64';

/** The programs an artifact can carry. */
export type Program = 'agent' | 'edge-agent';

export const ARCHES: readonly Arch[] = ['amd64', 'arm64'];
export const PROGRAMS: readonly Program[] = ['agent', 'edge-agent'];

/** ELF `e_machine` values. */
export const ELF_MACHINE: Record<Arch, number> = { amd64: 62, arm64: 183 };

/** What it takes to build for, and run code of, one architecture on this (amd64) machine. */
export interface Target {
  arch: Arch;
  /** The Node binary embedded in the artifact. */
  runtime: string;
  /** Prefix that runs a binary of this arch here: empty for amd64, qemu for arm64. */
  runPrefix: string[];
  /** Node headers to compile addons against (`--nodedir`). */
  nodeDir: string;
}

/** Debian's arm64 system root, installed with g++-aarch64-linux-gnu. */
export const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';

/** The build target of `arch` (this machine is amd64; arm64 runs under qemu-user). */
export async function target(arch: Arch): Promise<Target> {
  if (arch === 'amd64') {
    return { arch, runtime: execPath, runPrefix: [], nodeDir: '' };
  }
  const pkg = await arm64RuntimeDir();
  return {
    arch,
    runtime: `${pkg}/bin/node`,
    runPrefix: ['qemu-aarch64-static', '-L', ARM64_SYSROOT],
    nodeDir: pkg,
  };
}

/** The file name of an artifact: `mcp-agent-linux-arm64`. */
export function artifactName(program: Program, arch: Arch): string {
  return `mcp-${program}-linux-${arch}`;
}
