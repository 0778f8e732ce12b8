// The base of every mcp command: the global --config flag, the master connection, and the
// error boundary that prints a CLI error as its message with no stack trace.
import { Args, Command, Flags } from '@oclif/core';
import { DefinitionError } from '@mcp/scheduler';

import { connectMaster, type MasterClient, type MasterConnection } from './client.js';
import { loadConfig, requireMaster, type McpConfig } from './config.js';
import { CliError } from './errors.js';

/** `--json`: print the master's answer as proto JSON, the same data as the table. */
export const jsonFlag = Flags.boolean({
  description: 'Print the result as JSON (the same data as the table).',
});

/** The `<service>` argument of the commands that act on one service. */
export const serviceArg = Args.string({
  required: true,
  description: 'Service name.',
});

/**
 * Base class for mcp commands, exported for command plugins. Subclasses call `loadConfig` and
 * `master`; the connection is closed when the command ends, whatever happened.
 */
export abstract class McpCommand extends Command {
  static override baseFlags = {
    config: Flags.string({
      description: 'Config file. Default: $MCP_CONFIG, else ~/.config/mcp/mcp.toml.',
      helpGroup: 'GLOBAL',
    }),
  };

  private connection: MasterConnection | undefined;

  /** The config named by `--config`, `MCP_CONFIG`, or the default path. */
  protected loadConfig(flag: string | undefined): Promise<McpConfig> {
    return loadConfig(flag);
  }

  /** A client for the master named in the config. */
  protected master(config: McpConfig): MasterClient {
    const address = requireMaster(config);
    this.connection?.close();
    this.connection = connectMaster(address, { configFile: config.file });
    return this.connection.client;
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    // Expected failures: the message says everything; a stack trace would only hide it.
    if (err instanceof CliError || err instanceof DefinitionError) {
      this.logToStderr(`Error: ${err.message}`);
      this.exit(err instanceof CliError ? err.exitCode : 1);
    }
    return super.catch(err);
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    this.connection?.close();
    this.connection = undefined;
    return super.finally(err);
  }
}
