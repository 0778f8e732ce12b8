import { StartResponse } from '@mcp/proto';

import { McpCommand, directFlag, directNodeFlag, jsonFlag, serviceArg } from '../lib/command.js';
import { anyFailed, formatJson, formatOutcome } from '../lib/print.js';

export default class Start extends McpCommand {
  static override summary = 'Start the containers of a stopped service.';
  static override examples = ['<%= config.bin %> start mcq'];
  static override args = { service: serviceArg };
  static override flags = { json: jsonFlag, direct: directFlag, node: directNodeFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Start);
    const config = await this.loadConfig(flags.config);

    const res = await this.target(config, flags).start(args.service);

    if (flags.json) this.log(formatJson(StartResponse.toJSON(res)));
    else this.log(formatOutcome(res.steps, res.service, Date.now()));
    if (anyFailed(res.steps)) this.exit(1);
  }
}
