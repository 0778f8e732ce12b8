// Checking an artifact against its own manifest before anything is sent to a node: a file that
// was rebuilt, truncated or copied beside another architecture's manifest is refused.
import { readFileSync } from 'node:fs';

import { UpgradeFailedError, type LocalArtifact, type NodeSsh } from '../../index.js';

/** What the manifest (`<artifact>.json`, written by @mcp/release) says about the file. */
interface Manifest {
  sha256?: unknown;
  size?: unknown;
  arch?: unknown;
}

/**
 * Throws UpgradeFailedError, naming the file and the node, when the manifest's `sha256` or `size`
 * differs from the file's (or is missing), or its `arch` differs from the node's `arch`.
 */
export function checkManifest(node: string, ssh: NodeSsh, artifact: LocalArtifact): void {
  const file = `${artifact.file}.json`;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  const refuse = (why: string): never => {
    throw new UpgradeFailedError(
      node,
      artifact.version,
      `the artifact ${artifact.file} does not match its manifest ${file}: ${why}; ` +
        'nothing was sent to the node',
    );
  };
  if (manifest.sha256 !== artifact.sha256) {
    refuse(`its SHA-256 is ${artifact.sha256}, the manifest says ${String(manifest.sha256)}`);
  }
  if (manifest.size !== artifact.size) {
    refuse(`its size is ${artifact.size} bytes, the manifest says ${String(manifest.size)}`);
  }
  if (manifest.arch !== ssh.arch) {
    refuse(`the manifest's arch is ${String(manifest.arch)}, node '${node}' is ${ssh.arch}`);
  }
}
