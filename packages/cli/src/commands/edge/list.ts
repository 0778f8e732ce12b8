import { ListEdgeRoutesResponse } from '@mcp/proto';

import { formatJson, formatNodeErrors, jsonFlag, McpCommand } from '../../index.js';
import { formatEdgeRoutes } from '../../topics/edge/format.js';

export default class EdgeList extends McpCommand {
  static override summary = "List the edge nodes' public routes and whether each is right.";
  static override description =
    'One row per route of every edge node: public hostname, listener, mode, backend, the ' +
    'service and node it serves, and ok or drift. A route drifts when it does not point at ' +
    'where its service runs now; why follows the table. Nothing is repaired: deploy the ' +
    'service again, or use `mcp route add|remove -n <edge>`. Exits 1 when a route drifted or a ' +
    'node did not answer (its routes, or the services they point at, are unknown).';
  static override examples = ['<%= config.bin %> edge list', '<%= config.bin %> edge list --json'];
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(EdgeList);
    const config = await this.loadConfig(flags.config);

    const res = await this.master(config).listEdgeRoutes({});

    if (flags.json) this.log(formatJson(ListEdgeRoutesResponse.toJSON(res)));
    else if (res.routes.length > 0 || res.errors.length === 0) {
      this.log(formatEdgeRoutes(res.routes));
    }
    for (const line of formatNodeErrors(res.errors)) this.logToStderr(line);
    // A node that did not answer may hold routes, or run a service the routes point at.
    if (res.routes.some((r) => r.drift) || res.errors.length > 0) this.exit(1);
  }
}
