import { ListServicesResponse } from '@mcp/proto';
import { Flags } from '@oclif/core';

import { McpCommand, directFlag, jsonFlag } from '../lib/command.js';
import { formatJson, formatNodeErrors, formatServices } from '../lib/print.js';

export default class Ps extends McpCommand {
  static override summary = 'List services and their containers on every node.';
  static override description =
    'One row per container. Nodes that did not answer are warnings on stderr, and `errors` ' +
    'in --json.';
  static override examples = [
    '<%= config.bin %> ps',
    '<%= config.bin %> ps -n rift --json',
    '<%= config.bin %> ps --direct -n rift',
  ];
  static override flags = {
    node: Flags.string({
      char: 'n',
      description: 'Only this node; with --direct, the node whose agent to ask.',
    }),
    json: jsonFlag,
    direct: directFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Ps);
    const config = await this.loadConfig(flags.config);

    const res = await this.target(config, flags).services(flags.node ?? '');

    if (flags.json) this.log(formatJson(ListServicesResponse.toJSON(res)));
    else {
      this.log(formatServices(res.services, Date.now()));
      if (res.services.length === 0) {
        this.logToStderr(`no services deployed${flags.node ? ` on node '${flags.node}'` : ''}`);
      }
    }
    for (const line of formatNodeErrors(res.errors)) this.logToStderr(line);
  }
}
