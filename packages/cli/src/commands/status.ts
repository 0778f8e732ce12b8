import { ServiceStatus } from '@mcp/proto';

import { McpCommand, jsonFlag, serviceArg } from '../lib/command.js';
import { formatJson, formatService } from '../lib/print.js';

export default class Status extends McpCommand {
  static override summary = 'Show one service in detail: containers, versions and routes.';
  static override examples = ['<%= config.bin %> status mcq'];
  static override args = { service: serviceArg };
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Status);
    const config = await this.loadConfig(flags.config);

    const { service } = await this.master(config).status({ service: args.service });
    if (!service)
      this.error(`the master sent no status for service '${args.service}'`, { exit: 1 });

    if (flags.json) this.log(formatJson(ServiceStatus.toJSON(service)));
    else this.log(formatService(service, Date.now()));
  }
}
