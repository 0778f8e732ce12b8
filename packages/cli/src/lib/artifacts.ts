// Finding the artifact a node needs: `<dir>/mcp-<program>-linux-<arch>` and its manifest
// `<file>.json` (written by @mcp/release), which gives the version it will report.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { NodeEntry } from './config.js';
import { ArtifactMissingError, UpgradeFailedError } from './node-errors.js';
import { privileged } from './node-config.js';
import { quote, type NodeSession } from './ssh/session.js';
import type { NodeSsh } from './node-config.js';

/** The live binary on every node; the systemd unit and the NixOS module run it. */
export const LIVE_BINARY = '/srv/mcp/mcp-agent';

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

/**
 * Uploads to a temporary file of the login user, checks its SHA-256 there, and installs it
 * beside the live binary (privileged), before anything is swapped. When the install fails (a
 * full disk, say) a partial `staged` is removed again.
 */
export async function installArtifact(
  session: NodeSession,
  artifact: LocalArtifact,
  staged: string,
  node: NodeEntry & { ssh: NodeSsh },
): Promise<void> {
  const dir = staged.slice(0, staged.lastIndexOf('/'));
  const present = await session.run(`[ -d ${quote(dir)} ] && echo yes || echo no`);
  if (present !== 'yes') {
    throw new UpgradeFailedError(
      node.name,
      artifact.version,
      `${dir} does not exist; run \`mcp node provision ${node.name}\` first`,
    );
  }
  const temp = await session.run('mktemp /tmp/mcp-agent-upload.XXXXXXXX');
  try {
    await session.put(artifact.file, temp);
    const sum = (await session.run(`sha256sum ${quote(temp)}`)).split(/\s+/)[0];
    if (sum !== artifact.sha256) {
      throw new UpgradeFailedError(
        node.name,
        artifact.version,
        `the uploaded file's SHA-256 is ${sum}, expected ${artifact.sha256}`,
      );
    }
    try {
      await session.run(
        privileged(node.ssh.sudo, `install -m 0755 ${quote(temp)} ${quote(staged)}`),
      );
    } catch (err) {
      const remove = privileged(node.ssh.sudo, `rm -f ${quote(staged)}`);
      await session.run(remove).catch(() => undefined);
      throw err;
    }
  } finally {
    await session.run(`rm -f ${quote(temp)}`);
  }
}
