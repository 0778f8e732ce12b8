import { AddRouteResponse, RouteMode } from '@mcp/proto';
import { Flags } from '@oclif/core';

import { formatJson, jsonFlag, McpCommand } from '../../index.js';
import { hostnameFlag, listenerFlag, routeNodeFlag } from '../../topics/route/flags.js';

export default class RouteAdd extends McpCommand {
  static override summary = "Add or replace one route on a node's proxy (an operator repair).";
  static override description =
    'An upsert: a route with the same listener and hostname is replaced. On an edge node the ' +
    "edge agent's checks apply (allowed domains, backend in the overlay) and it picks the " +
    "certificate; on a compute node, an L7 route without --cert/--key uses the node's own. " +
    "A service's next deploy (or its agent) may rewrite a route it owns.";
  static override examples = [
    '<%= config.bin %> route add -n svc -l 443 -H mcq.example.net --backend 100.64.0.2:20001',
    '<%= config.bin %> route add -n rift -l 8443 -H mcq.svc.mcp.example.net --backend ' +
      '100.64.0.2:20000 --mode l4',
  ];
  static override flags = {
    json: jsonFlag,
    node: routeNodeFlag,
    listener: listenerFlag,
    hostname: hostnameFlag,
    backend: Flags.string({ description: 'host:port the proxy sends to.', required: true }),
    mode: Flags.string({
      description: 'l4 (passthrough) or l7.',
      options: ['l4', 'l7'],
      default: 'l7',
    }),
    'backend-tls': Flags.boolean({ description: 'L7: re-encrypt to the backend.' }),
    cert: Flags.string({
      description: 'L7: certificate file on the node, inside its cert_dir (or relative to it).',
      dependsOn: ['key'],
    }),
    key: Flags.string({
      description: 'L7: key file on the node, inside its cert_dir (or relative to it).',
      dependsOn: ['cert'],
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(RouteAdd);
    const config = await this.loadConfig(flags.config);
    const route = {
      listenerPort: flags.listener,
      hostname: flags.hostname,
      backend: flags.backend,
      mode: flags.mode === 'l4' ? RouteMode.ROUTE_MODE_L4 : RouteMode.ROUTE_MODE_L7,
      backendTls: flags['backend-tls'],
      tlsCertPath: flags.cert ?? '',
      tlsKeyPath: flags.key ?? '',
    };

    const res = await this.master(config).addRoute({ node: flags.node, route });

    if (flags.json) this.log(formatJson(AddRouteResponse.toJSON(res)));
    else {
      const what = res.changed ? 'added' : 'unchanged (already there)';
      this.log(`${flags.node}: ${flags.hostname}:${flags.listener} -> ${flags.backend}: ${what}`);
    }
  }
}
