import { StopResponse } from '@mcp/proto';

import { McpCommand, directFlag, directNodeFlag, jsonFlag, serviceArg } from '../lib/command.js';
import { anyFailed, formatJson, formatOutcome } from '../lib/print.js';

export default class Stop extends McpCommand {
  static override summary = "Stop a service's containers; they stay deployed.";
  static override examples = ['<%= config.bin %> stop mcq'];
  static override args = { service: serviceArg };
  static override flags = { json: jsonFlag, direct: directFlag, node: directNodeFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Stop);
    const config = await this.loadConfig(flags.config);

    const res = await this.target(config, flags).stop(args.service);

    if (flags.json) this.log(formatJson(StopResponse.toJSON(res)));
    else this.log(formatOutcome(res.steps, res.service, Date.now()));
    if (anyFailed(res.steps)) this.exit(1);
  }
}
