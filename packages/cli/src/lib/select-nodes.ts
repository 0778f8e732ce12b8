// The nodes a node command acts on: those named, in that order, or every [[nodes]] entry.
import type { McpConfig, NodeEntry } from './config.js';
import type { NodeSsh } from './node-config.js';
import { NodeNotConfiguredError } from './node-errors.js';

/** A node with SSH settings. */
export type SshNode = NodeEntry & { ssh: NodeSsh };

/**
 * The named nodes (each must be listed and have `ssh`), or when none are named every listed node
 * that has `ssh`; `skipped` names the listed ones without it.
 */
export function selectNodes(
  config: McpConfig,
  names: readonly string[],
): { nodes: SshNode[]; skipped: string[] } {
  if (names.length === 0) {
    const nodes = config.nodes.filter((n): n is SshNode => n.ssh !== undefined);
    const skipped = config.nodes.filter((n) => n.ssh === undefined).map((n) => n.name);
    return { nodes, skipped };
  }
  const nodes = names.map((name) => {
    const entry = config.nodes.find((n) => n.name === name);
    if (!entry) throw new NodeNotConfiguredError(name, config.file, 'no [[nodes]] entry');
    if (!entry.ssh) throw new NodeNotConfiguredError(name, config.file, 'no ssh = "user@host"');
    return entry as SshNode;
  });
  return { nodes, skipped: [] };
}
