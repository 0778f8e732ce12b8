import { Flags } from '@oclif/core';

import { McpCommand, directFlag, directNodeFlag, serviceArg } from '../lib/command.js';
import { isAbortError } from '../lib/errors.js';
import { interruption, writeChunk } from '../lib/output.js';

/** The most lines `--tail` asks for; the request carries a uint32, and no log needs more. */
const MAX_TAIL = 1_000_000;

export default class Logs extends McpCommand {
  static override summary = "Print a service's container output.";
  static override description =
    'Writes what the containers wrote, byte for byte: their stdout to stdout, their stderr to ' +
    'stderr. With --follow it keeps printing until interrupted (Ctrl-C), then exits 0.';
  static override examples = [
    '<%= config.bin %> logs mcq',
    '<%= config.bin %> logs mcq -c web -f -t 100',
    '<%= config.bin %> logs mcq --direct -n rift',
  ];
  static override args = { service: serviceArg };
  static override flags = {
    component: Flags.string({ char: 'c', description: 'Only this component. Default: all.' }),
    follow: Flags.boolean({
      char: 'f',
      description: 'Keep printing new output until interrupted.',
    }),
    tail: Flags.integer({
      char: 't',
      min: 0,
      max: MAX_TAIL,
      default: 0,
      description: `Only the last N lines of each component, at most ${MAX_TAIL}; 0 for all.`,
    }),
    direct: directFlag,
    node: directNodeFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Logs);
    const config = await this.loadConfig(flags.config);
    const target = this.target(config, flags);
    const interrupted = interruption();

    const request = {
      service: args.service,
      component: flags.component ?? '',
      follow: flags.follow,
      tail: flags.tail,
    };
    try {
      for await (const { chunk } of target.logs(request, interrupted.signal)) {
        if (chunk) await writeChunk(chunk, process, interrupted.signal);
      }
    } catch (err) {
      // Interrupted by the person (or a closed pipe): that is how a followed stream ends.
      if (!(isAbortError(err) && interrupted.signal.aborted)) throw err;
    } finally {
      interrupted.dispose();
    }
  }
}
