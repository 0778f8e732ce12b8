import { Flags } from '@oclif/core';

import { LoginInputError } from '../lib/auth-errors.js';
import { McpCommand } from '../lib/command.js';
import { requireMcias } from '../lib/config.js';
import { logIn } from '../lib/login.js';
import { formatJson } from '../lib/print.js';
import { askLine, askSecret, readStdinLine } from '../lib/prompt.js';

export default class Login extends McpCommand {
  static override summary = 'Log in to MCIAS and keep the token for the other commands.';
  static override description =
    'Asks for the user name (unless --username) and the password (not echoed), or reads the ' +
    'password as one line of stdin with --password-stdin; asks MCIAS at [mcias] url for a ' +
    'token and writes it to token_file (default: token beside the config file) with mode 0600. ' +
    'A refused login writes nothing and leaves an existing token file as it was.';
  static override examples = [
    '<%= config.bin %> login',
    '<%= config.bin %> login -u alice',
    'pass show mcias | <%= config.bin %> login -u alice --password-stdin',
  ];
  static override flags = {
    username: Flags.string({ char: 'u', description: 'MCIAS user name. Default: asked.' }),
    'password-stdin': Flags.boolean({
      description: 'Read the password as the first line of stdin (for scripts).',
    }),
    json: Flags.boolean({
      description: 'Print who logged in, until when, and where the token went, as JSON.',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Login);
    const config = await this.loadConfig(flags.config);
    // Where to log in is checked before anything is asked.
    requireMcias(config);
    const terminal = process.stdin.isTTY === true;

    // The user name: given, or asked at the terminal (stdin cannot carry both).
    let username = flags.username?.trim() ?? '';
    if (!username) {
      if (flags['password-stdin'] || !terminal) {
        throw new LoginInputError('no user name: pass --username <name>');
      }
      username = await askLine('Username: ');
    }
    if (!username) throw new LoginInputError('no user name given');

    // The password: one line of stdin, or typed without echo.
    let password: string;
    if (flags['password-stdin']) {
      password = await readStdinLine();
    } else if (terminal) {
      password = await askSecret(`Password for ${username}: `);
    } else {
      throw new LoginInputError(
        'stdin is not a terminal, so the password cannot be asked: pass --password-stdin',
      );
    }
    if (password === '') throw new LoginInputError(`no password given for '${username}'`);

    const outcome = await logIn(config, username, password);
    const expires = new Date(outcome.expiresAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (flags.json) {
      this.log(
        formatJson({
          username,
          expiresAt: expires,
          tokenFile: outcome.tokenFile,
          mcias: outcome.mciasUrl,
        }),
      );
      return;
    }
    this.log(`Logged in as ${username}; the token expires ${expires}.`);
  }
}
