// The public surface of @mcp/release: building the agent artifacts, and reading their ELF headers.
export { buildArtifact, runArgs, type Artifact, type BuildOptions } from './build.js';
export { cacheDir, REPO_ROOT } from './cache.js';
export { elfImages, MACHINE_NAMES, type ElfImage } from './elf.js';
export { ArtifactCheckError, IntegrityError, ToolFailedError } from './errors.js';
export {
  ARCHES,
  ARM64_SYSROOT,
  ELF_MACHINE,
  PROGRAMS,
  artifactName,
  target,
  type Arch,
  type Program,
  type Target,
} from './targets.js';
export { gitVersion } from './version.js';
