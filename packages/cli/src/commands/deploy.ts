import { DeployResponse } from '@mcp/proto';
import { Args, Flags } from '@oclif/core';

import { McpCommand, directFlag, directNodeFlag, jsonFlag } from '../lib/command.js';
import { readDefinition } from '../lib/definitions.js';
import { formatPlacement } from '../lib/print-placement.js';
import { anyFailed, formatJson, formatOutcome } from '../lib/print.js';

export default class Deploy extends McpCommand {
  static override summary = 'Deploy a service from its definition.';
  static override description =
    'Reads <services_dir>/<service>.toml (or the file given as a path), validates it, and sends ' +
    'it to the master. Prints every step and the resulting containers; exits 1 if a step failed. ' +
    "--dry-run prints the master's placement instead: the chosen node and why, node by node. " +
    'When nothing fits, the master says why for each node and the command exits 1.';
  static override examples = [
    '<%= config.bin %> deploy mcq',
    '<%= config.bin %> deploy ./mcq.toml --dry-run',
    '<%= config.bin %> deploy mcq --direct -n rift',
  ];
  static override args = {
    service: Args.string({
      required: true,
      description: 'Service name, or a path to a definition file (contains / or ends in .toml).',
    }),
  };
  static override flags = {
    'dry-run': Flags.boolean({
      description: 'Report the placement only; no node is touched.',
      exclusive: ['direct'],
    }),
    json: jsonFlag,
    direct: directFlag,
    node: directNodeFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Deploy);
    const config = await this.loadConfig(flags.config);
    const { spec } = await readDefinition(args.service, config);
    const target = this.target(config, flags);

    // The agent deploys where it is told; say so when the definition names another node.
    const named = config.nodes.some((n) => n.name === spec.node);
    if (target.node && named && spec.node !== target.node) {
      this.logToStderr(
        `Warning: the definition of '${spec.name}' targets node '${spec.node}'; ` +
          `deploying to '${target.node}' as -n says`,
      );
    }

    const res = await target.deploy(spec, flags['dry-run']);

    const outcome = formatOutcome(res.steps, res.service, Date.now());
    if (flags.json) this.log(formatJson(DeployResponse.toJSON(res)));
    else if (flags['dry-run']) this.log(`${dryRunText(res)}\n\n${outcome}`);
    else this.log(outcome);
    if (anyFailed(res.steps)) this.exit(1);
  }
}

/** The placement, or why there is none: a redeploy stays where the service runs. */
function dryRunText(res: DeployResponse): string {
  if (res.placement) return formatPlacement(res.placement);
  return `No placement: the service stays on node '${res.node}' (a redeploy in place).`;
}
