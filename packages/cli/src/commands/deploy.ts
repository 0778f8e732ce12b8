import { DeployResponse } from '@mcp/proto';
import { Args, Flags } from '@oclif/core';

import { McpCommand, jsonFlag } from '../lib/command.js';
import { readDefinition } from '../lib/definitions.js';
import { anyFailed, formatJson, formatOutcome } from '../lib/print.js';

export default class Deploy extends McpCommand {
  static override summary = 'Deploy a service from its definition.';
  static override description =
    'Reads <services_dir>/<service>.toml (or the file given as a path), validates it, and sends ' +
    'it to the master. Prints every step and the resulting containers; exits 1 if a step failed.';
  static override examples = [
    '<%= config.bin %> deploy mcq',
    '<%= config.bin %> deploy ./mcq.toml --dry-run',
  ];
  static override args = {
    service: Args.string({
      required: true,
      description: 'Service name, or a path to a definition file (contains / or ends in .toml).',
    }),
  };
  static override flags = {
    'dry-run': Flags.boolean({ description: 'Report the placement only; no node is touched.' }),
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Deploy);
    const config = await this.loadConfig(flags.config);
    const { spec } = await readDefinition(args.service, config);

    const res = await this.master(config).deploy({ spec, dryRun: flags['dry-run'] });

    if (flags.json) this.log(formatJson(DeployResponse.toJSON(res)));
    else this.log(formatOutcome(res.steps, res.service, Date.now()));
    if (anyFailed(res.steps)) this.exit(1);
  }
}
