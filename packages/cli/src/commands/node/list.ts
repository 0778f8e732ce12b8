import { ListNodesResponse } from '@mcp/proto';

import { formatJson, jsonFlag, McpCommand } from '../../index.js';
import { formatNodes } from '../../topics/node/format.js';

export default class NodeList extends McpCommand {
  static override summary = 'List the nodes the master knows, with health and usage.';
  static override description =
    'One row per node: role, architecture, OS, pools, health, agent version, CPU, memory and ' +
    'disk as free/capacity, containers, and the age of the last heartbeat. The reason a node ' +
    'is unhealthy follows the table.';
  static override examples = ['<%= config.bin %> node list', '<%= config.bin %> node list --json'];
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(NodeList);
    const config = await this.loadConfig(flags.config);

    const res = await this.master(config).listNodes({});

    if (flags.json) this.log(formatJson(ListNodesResponse.toJSON(res)));
    else this.log(formatNodes(res.nodes, Date.now()));
  }
}
