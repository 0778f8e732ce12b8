// The base of every mcp command: the global --config flag, the credentials and the master and
// agent connections, and the error boundary that prints a CLI error as its message with no
// stack trace.
import { Args, Command, Flags } from '@oclif/core';
import { DefinitionError } from '@mcp/scheduler';

import { connectAgent, type AgentClient } from './agent-client.js';
import { connectMaster, type MasterClient } from './client.js';
import { loadConfig, requireMaster, type McpConfig } from './config.js';
import { loadCredentials, type Credentials } from './credentials.js';
import { CliError, DirectNodeError, type DirectHint } from './errors.js';
import { agentTarget, masterTarget, type ServiceTarget } from './target.js';

/** `--json`: print the master's answer as proto JSON, the same data as the table. */
export const jsonFlag = Flags.boolean({
  description: 'Print the result as JSON (the same data as the table).',
});

/** The `<service>` argument of the commands that act on one service. */
export const serviceArg = Args.string({
  required: true,
  description: 'Service name.',
});

/** `--direct`: talk to the agent of the node named by `-n` instead of the master. */
export const directFlag = Flags.boolean({
  description:
    "Talk to one node's agent (-n, from [[nodes]] in the config) instead of the master, " +
    'for when the master is down.',
  helpGroup: 'DIRECT',
});

/** `-n, --node`: the node whose agent `--direct` talks to. */
export const directNodeFlag = Flags.string({
  char: 'n',
  description: 'With --direct: the node whose agent to talk to.',
  dependsOn: ['direct'],
  helpGroup: 'DIRECT',
});

/** The flags a command reads to choose its target. */
export interface TargetFlags {
  direct?: boolean;
  node?: string;
}

/**
 * Base class for mcp commands, exported for command plugins. Subclasses call `loadConfig`,
 * then `master`, `agent` or `target`; connections are closed when the command ends.
 */
export abstract class McpCommand extends Command {
  static override baseFlags = {
    config: Flags.string({
      description: 'Config file. Default: $MCP_CONFIG, else ~/.config/mcp/mcp.toml.',
      helpGroup: 'GLOBAL',
    }),
  };

  private readonly connections: { close(): void }[] = [];
  private loaded: { config: McpConfig; credentials: Credentials } | undefined;

  /** The config named by `--config`, `MCP_CONFIG`, or the default path. */
  protected loadConfig(flag: string | undefined): Promise<McpConfig> {
    return loadConfig(flag);
  }

  /**
   * The CA and token every connection uses, read once per command: a missing `ca_file`, no token
   * file (not logged in) or one others may read fails here, before anything is dialled.
   */
  protected credentials(config: McpConfig): Credentials {
    if (this.loaded?.config !== config) {
      this.loaded = { config, credentials: loadCredentials(config) };
    }
    return this.loaded.credentials;
  }

  /** A client for the master named in the config. */
  protected master(config: McpConfig): MasterClient {
    const address = requireMaster(config);
    const credentials = this.credentials(config);
    const direct: DirectHint = { command: this.directCommand(), nodes: nodeNames(config) };
    const connection = connectMaster(address, credentials, { configFile: config.file, direct });
    this.connections.push(connection);
    return connection.client;
  }

  /** A client for the agent of a node listed in the config; DirectNodeError otherwise. */
  protected agent(config: McpConfig, node: string | undefined): AgentClient {
    const entry = config.nodes.find((n) => n.name === node);
    if (!entry) throw new DirectNodeError(node ?? '', nodeNames(config), config.file);
    const credentials = this.credentials(config);
    const connection = connectAgent(entry, credentials, { configFile: config.file });
    this.connections.push(connection);
    return connection.client;
  }

  /** The master, or with `--direct` the agent of the node `-n` names. */
  protected target(config: McpConfig, flags: TargetFlags): ServiceTarget {
    if (!flags.direct) return masterTarget(this.master(config));
    return agentTarget(flags.node ?? '', this.agent(config, flags.node));
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
    for (const c of this.connections.splice(0)) c.close();
    return super.finally(err);
  }

  /** This command line, for the unreachable-master hint, when the command takes --direct. */
  private directCommand(): string | undefined {
    if (!this.ctor.flags?.direct) return undefined;
    const words = [this.id?.replaceAll(':', ' ') ?? '', ...this.argv];
    return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w}'`)).join(' ');
  }
}

function nodeNames(config: McpConfig): string[] {
  return config.nodes.map((n) => n.name);
}
