import { ListRoutesResponse } from '@mcp/proto';
import { Flags } from '@oclif/core';

import { formatJson, formatNodeErrors, jsonFlag, McpCommand } from '../../index.js';
import { formatRoutes } from '../../topics/route/format.js';

export default class RouteList extends McpCommand {
  static override summary = "List the routes of every node's proxy, or of one node's.";
  static override description =
    'One row per route: node, listener, hostname, mode, backend, and the certificate or ' +
    're-encryption of L7 routes. Nodes that did not answer are warnings on stderr, and the ' +
    'command exits 1.';
  static override examples = [
    '<%= config.bin %> route list',
    '<%= config.bin %> route list -n rift --json',
  ];
  static override flags = {
    json: jsonFlag,
    node: Flags.string({ char: 'n', description: "Only this node's routes." }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(RouteList);
    const config = await this.loadConfig(flags.config);

    const res = await this.master(config).listRoutes({ node: flags.node ?? '' });

    if (flags.json) this.log(formatJson(ListRoutesResponse.toJSON(res)));
    else if (res.nodes.some((n) => n.routes.length > 0) || res.errors.length === 0) {
      this.log(formatRoutes(res.nodes));
    }
    for (const line of formatNodeErrors(res.errors)) this.logToStderr(line);
    if (res.errors.length > 0) this.exit(1);
  }
}
