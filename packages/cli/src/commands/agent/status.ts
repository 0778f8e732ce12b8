import { NodeRole } from '@mcp/proto';
import { Flags } from '@oclif/core';

import { askVersion, directFlag, formatJson, jsonFlag, McpCommand, table } from '../../index.js';
import { expectedVersion, markSkew, type AgentReport } from '../../topics/agent/skew.js';

export default class AgentStatus extends McpCommand {
  static override summary = "Show every node's agent version and mark the ones out of step.";
  static override description =
    'Through the master (its ListNodes), or with --direct by asking each [[nodes]] agent. A node ' +
    'is skewed when it reports another version than --expect (default: the version most nodes ' +
    'run) or lacks an RPC that another node of its kind implements; upgrade it with ' +
    '`mcp agent upgrade <node>`.';
  static override examples = [
    '<%= config.bin %> agent status',
    '<%= config.bin %> agent status --direct --json',
  ];
  static override flags = {
    expect: Flags.string({ description: 'The version every node should run.' }),
    direct: directFlag,
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(AgentStatus);
    const config = await this.loadConfig(flags.config);

    let reports: AgentReport[];
    if (flags.direct) {
      const credentials = this.credentials(config);
      reports = await Promise.all(
        config.nodes.map(async (n) => {
          const a = await askVersion(n, credentials);
          const edge = n.ssh?.program === 'edge-agent';
          if ('error' in a) return { node: n.name, version: '', rpcs: [], edge, error: a.error };
          return { node: n.name, version: a.version, rpcs: a.rpcs, edge };
        }),
      );
    } else {
      const { nodes } = await this.master(config).listNodes({});
      reports = nodes.map((s) => ({
        node: s.info?.name ?? '',
        version: s.info?.version ?? '',
        rpcs: s.info?.rpcs ?? [],
        edge: s.info?.roles.includes(NodeRole.NODE_ROLE_EDGE) ?? false,
      }));
    }
    const expected = expectedVersion(reports, flags.expect);
    const rows = markSkew(reports, expected);

    if (flags.json) {
      this.log(formatJson({ expected, nodes: rows }));
      return;
    }
    this.log(
      table(
        ['NODE', 'VERSION', 'SKEW'],
        rows.map((r) => [r.node, r.version || '-', r.skew || '-']),
      ),
    );
    const behind = rows.filter((r) => r.skew && !r.error).map((r) => r.node);
    if (behind.length > 0) this.log(`\nupgrade with: mcp agent upgrade ${behind.join(' ')}`);
  }
}
