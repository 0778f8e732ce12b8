import { UndeployResponse } from '@mcp/proto';

import { McpCommand, jsonFlag, serviceArg } from '../lib/command.js';
import { anyFailed, formatJson, formatSteps } from '../lib/print.js';

export default class Undeploy extends McpCommand {
  static override summary = "Remove a service's containers, ports and routes from its node.";
  // No --direct: agents take Undeploy from mcp-master only (AGENT_SERVICE_POLICY), since the
  // master must forget the service's routes and records with it.
  static override description =
    'Through the master only: an agent refuses Undeploy from anyone but mcp-master.';
  static override examples = ['<%= config.bin %> undeploy mcq'];
  static override args = { service: serviceArg };
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Undeploy);
    const config = await this.loadConfig(flags.config);

    const res = await this.target(config, {}).undeploy(args.service);

    if (flags.json) this.log(formatJson(UndeployResponse.toJSON(res)));
    else this.log(formatSteps(res.steps));
    if (anyFailed(res.steps)) this.exit(1);
  }
}
