import { RestartResponse } from '@mcp/proto';

import { McpCommand, directFlag, directNodeFlag, jsonFlag, serviceArg } from '../lib/command.js';
import { anyFailed, formatJson, formatOutcome } from '../lib/print.js';

export default class Restart extends McpCommand {
  static override summary = "Restart a service's containers.";
  static override examples = ['<%= config.bin %> restart mcq'];
  static override args = { service: serviceArg };
  static override flags = { json: jsonFlag, direct: directFlag, node: directNodeFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Restart);
    const config = await this.loadConfig(flags.config);

    const res = await this.target(config, flags).restart(args.service);

    if (flags.json) this.log(formatJson(RestartResponse.toJSON(res)));
    else this.log(formatOutcome(res.steps, res.service, Date.now()));
    if (anyFailed(res.steps)) this.exit(1);
  }
}
