// Finding the artifact a node needs: `<dir>/mcp-<program>-linux-<arch>` and its manifest
// `<file>.json` (written by @mcp/release), which gives the version it will report.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ArtifactMissingError, type NodeSsh } from '../../index.js';

/** An artifact ready to install. */
export interface LocalArtifact {
  file: string;
  version: string;
  sha256: string;
  size: number;
}

/** The artifact for a node's program and architecture, with its version and checksum. */
export function artifactFor(dir: string, node: string, ssh: NodeSsh): LocalArtifact {
  const file = join(dir, `mcp-${ssh.program}-linux-${ssh.arch}`);
  let manifest: { version?: unknown };
  let data: Buffer;
  try {
    manifest = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { version?: unknown };
    data = readFileSync(file);
  } catch (err) {
    throw new ArtifactMissingError(node, file, (err as Error).message);
  }
  if (typeof manifest.version !== 'string' || manifest.version === '') {
    throw new ArtifactMissingError(node, `${file}.json`, 'no version in the manifest');
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  return { file, version: manifest.version, sha256, size: data.length };
}
