import { Args, Flags } from '@oclif/core';

import {
  artifactFor,
  formatJson,
  jsonFlag,
  McpCommand,
  selectNodes,
  table,
  UpgradeRolledBackError,
} from '../../index.js';
import { checkManifest } from '../../topics/agent/manifest.js';
import { upgradeNode, type NodeUpgrade } from '../../topics/agent/upgrade.js';

export default class AgentUpgrade extends McpCommand {
  static override summary = 'Install an agent version on nodes over SSH, one node at a time.';
  static override description =
    'For each node (all [[nodes]] with ssh by default): upload the artifact of its architecture ' +
    'beside /srv/mcp/mcp-agent, swap it in atomically keeping the previous one, restart the ' +
    'agent with its restart_command and wait until it reports the new version; when the restart ' +
    'fails, runs past --restart-timeout or the version does not come, put the previous binary ' +
    'back and restart it. An artifact whose SHA-256, size or arch differs from its manifest is ' +
    'refused before connecting. Stops at the first node that fails. Containers keep running ' +
    'throughout.';
  static override strict = false;
  static override args = { node: Args.string({ description: 'Node names; default: all.' }) };
  static override examples = [
    '<%= config.bin %> agent upgrade',
    '<%= config.bin %> agent upgrade rift hyperborea --artifacts ./out',
  ];
  static override flags = {
    artifacts: Flags.string({
      description: 'Directory of the artifacts and their .json manifests. Default: $MCP_ARTIFACTS.',
      env: 'MCP_ARTIFACTS',
      required: true,
    }),
    timeout: Flags.integer({
      description: 'Seconds to wait for the new agent to report its version.',
      default: 60,
      min: 1,
    }),
    'restart-timeout': Flags.integer({
      description: 'Seconds restart_command may run before it counts as failed.',
      default: 30,
      min: 1,
    }),
    force: Flags.boolean({ description: 'Install even on nodes that report that version.' }),
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(AgentUpgrade);
    const config = await this.loadConfig(flags.config);
    const { nodes, skipped } = selectNodes(config, argv as string[]);
    const artifacts = nodes.map((n) => artifactFor(flags.artifacts, n.name, n.ssh));
    // Before any connection: every node's artifact must match its manifest and the node's arch.
    for (const [i, node] of nodes.entries()) {
      const artifact = artifacts[i];
      if (artifact) checkManifest(node.name, node.ssh, artifact);
    }
    // Not logged in, or no CA: stop before any node is asked or touched.
    const credentials = this.credentials(config);

    const done: NodeUpgrade[] = [];
    let failure: Error | undefined;
    for (const [i, node] of nodes.entries()) {
      const started = Date.now();
      const artifact = artifacts[i] ?? artifactFor(flags.artifacts, node.name, node.ssh);
      try {
        const out = await upgradeNode(node, artifact, {
          credentials,
          timeoutMs: flags.timeout * 1000,
          restartTimeoutMs: flags['restart-timeout'] * 1000,
          force: flags.force,
          progress: (line) => !flags.json && this.logToStderr(line),
        });
        done.push({ ...out, ms: Date.now() - started });
      } catch (err) {
        failure = err as Error;
        const back = err instanceof UpgradeRolledBackError;
        done.push({
          node: node.name,
          from: back ? err.previous : '',
          to: artifact.version,
          result: back ? 'rolled-back' : 'failed',
          ms: Date.now() - started,
          error: failure.message,
        });
        break;
      }
    }

    const left = nodes.slice(done.length).map((n) => n.name);
    if (flags.json) this.log(formatJson({ nodes: done, notAttempted: left, skipped }));
    else this.log(summary(done, left, skipped));
    if (failure) throw failure;
  }
}

function summary(done: NodeUpgrade[], left: string[], skipped: string[]): string {
  const rows = done.map((u) => [
    u.node,
    u.from || '-',
    u.to,
    u.result,
    `${(u.ms / 1000).toFixed(1)}s`,
  ]);
  const lines = [table(['NODE', 'FROM', 'TO', 'RESULT', 'TIME'], rows)];
  if (left.length > 0) lines.push(`not attempted after the failure: ${left.join(', ')}`);
  if (skipped.length > 0) lines.push(`skipped (no ssh in the config): ${skipped.join(', ')}`);
  return lines.join('\n');
}
