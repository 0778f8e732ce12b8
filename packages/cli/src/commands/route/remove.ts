import { RemoveRouteResponse } from '@mcp/proto';

import { formatJson, jsonFlag, McpCommand } from '../../index.js';
import { hostnameFlag, listenerFlag, routeNodeFlag } from '../../topics/route/flags.js';

export default class RouteRemove extends McpCommand {
  static override summary = "Remove one route from a node's proxy (an operator repair).";
  static override description =
    'Removing a route that is not there is not an error: the output says so. A route a ' +
    "service's agent owns comes back at the agent's next sync while the service runs.";
  static override examples = ['<%= config.bin %> route remove -n svc -l 443 -H mcq.example.net'];
  static override flags = {
    json: jsonFlag,
    node: routeNodeFlag,
    listener: listenerFlag,
    hostname: hostnameFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(RouteRemove);
    const config = await this.loadConfig(flags.config);

    const res = await this.master(config).removeRoute({
      node: flags.node,
      listenerPort: flags.listener,
      hostname: flags.hostname,
    });

    if (flags.json) this.log(formatJson(RemoveRouteResponse.toJSON(res)));
    else {
      const what = res.removed ? 'removed' : 'not there (nothing to remove)';
      this.log(`${flags.node}: ${flags.hostname}:${flags.listener}: ${what}`);
    }
  }
}
