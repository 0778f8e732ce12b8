import { ListServicesResponse } from '@mcp/proto';
import { Flags } from '@oclif/core';

import { McpCommand, jsonFlag } from '../lib/command.js';
import { formatJson, formatNodeErrors, formatServices } from '../lib/print.js';

export default class Ps extends McpCommand {
  static override summary = 'List services and their containers on every node.';
  static override description =
    'One row per container. Nodes that did not answer are listed as warnings on stderr.';
  static override examples = ['<%= config.bin %> ps', '<%= config.bin %> ps -n rift --json'];
  static override flags = {
    node: Flags.string({ char: 'n', description: 'Only this node.' }),
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Ps);
    const config = await this.loadConfig(flags.config);

    const res = await this.master(config).listServices({ node: flags.node ?? '' });

    if (flags.json) this.log(formatJson(ListServicesResponse.toJSON(res)));
    else this.log(formatServices(res.services, Date.now()));
    for (const line of formatNodeErrors(res.errors)) this.logToStderr(line);
  }
}
