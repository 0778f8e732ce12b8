import { jsonFlag, McpCommand } from '../lib/command.js';
import { formatJson } from '../lib/print.js';
import { removeTokenFile } from '../lib/token-store.js';

export default class Logout extends McpCommand {
  static override summary = 'Remove the token `mcp login` stored.';
  static override description =
    'Deletes token_file (default: token beside the config file). Without it, the other commands ' +
    'refuse to connect until the next `mcp login`. MCIAS is not asked: the token itself stays ' +
    'valid there until it expires. No error when there is no token file.';
  static override examples = ['<%= config.bin %> logout'];
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Logout);
    const config = await this.loadConfig(flags.config);

    const removed = await removeTokenFile(config.tokenFile);
    if (flags.json) {
      this.log(formatJson({ removed, tokenFile: config.tokenFile }));
      return;
    }
    this.log(
      removed
        ? `Logged out: removed ${config.tokenFile}.`
        : `Not logged in: there is no token file at ${config.tokenFile}.`,
    );
  }
}
