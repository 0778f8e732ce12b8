// Errors the CLI reports to the person at the command boundary: a message, no stack trace.
import { Status } from 'nice-grpc';

/** Codes of the CLI's own errors. */
export type CliErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'INVALID_CONFIG'
  | 'DEFINITION_NOT_FOUND'
  | 'DEFINITION_UNREADABLE'
  | 'MASTER_UNREACHABLE'
  | 'MASTER_CALL'
  | 'AGENT_UNREACHABLE'
  | 'AGENT_CALL'
  | 'DIRECT_NODE'
  | 'SERVICE_NOT_FOUND'
  | 'AGENT_VERSION_SKEW'
  | 'HOST_KEY_UNKNOWN'
  | 'HOST_KEY_CHANGED'
  | 'SSH_FAILED'
  | 'REMOTE_COMMAND'
  | 'ARTIFACT_MISSING'
  | 'UPGRADE_ROLLED_BACK'
  | 'UPGRADE_FAILED'
  | 'PROVISION_FAILED'
  | 'PROVISION_CREDENTIALS'
  | 'NODE_NOT_CONFIGURED'
  | 'CA_FILE'
  | 'TOKEN_FILE'
  | 'TOKEN_WRITE'
  | 'LOGIN_FAILED'
  | 'LOGIN_INPUT'
  | 'LOGIN_ABORTED';

/** An error the CLI prints as its message alone and exits with `exitCode` (default 1). */
export abstract class CliError extends Error {
  abstract readonly code: CliErrorCode;
  readonly exitCode: number = 1;
}

/** How the config file was chosen, for messages that say where the CLI looked. */
export type ConfigSource = 'flag' | 'env' | 'default';

const SOURCE_TEXT: Record<ConfigSource, string> = {
  flag: 'named by --config',
  env: 'named by MCP_CONFIG',
  default: 'the default; set MCP_CONFIG or pass --config to use another file',
};

/** The config file does not exist (or cannot be read). */
export class ConfigNotFoundError extends CliError {
  readonly code = 'CONFIG_NOT_FOUND';

  constructor(
    readonly file: string,
    readonly source: ConfigSource,
    options?: { cause?: unknown },
  ) {
    super(
      `failed to read config '${file}': no such file (${SOURCE_TEXT[source]})\n` +
        'Create it with at least:  master = "<host>:<port>", ca_file = "<the platform CA>" ' +
        'and [mcias] url = "https://<host>:<port>", then run `mcp login`',
      options,
    );
    this.name = 'ConfigNotFoundError';
  }
}

/** The config file exists but a field is wrong or missing. */
export class ConfigError extends CliError {
  readonly code = 'INVALID_CONFIG';

  constructor(
    readonly file: string,
    /** Dotted field path, for example `nodes[1].address`; empty for the whole file. */
    readonly field: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid config '${file}': ${field ? `${field}: ` : ''}${reason}`, options);
    this.name = 'ConfigError';
  }
}

/** `mcp deploy <service>` found no definition file. */
export class DefinitionNotFoundError extends CliError {
  readonly code = 'DEFINITION_NOT_FOUND';

  constructor(
    readonly service: string,
    readonly file: string,
    hint: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to read service definition '${service}': no such file ${file}${hint}`, options);
    this.name = 'DefinitionNotFoundError';
  }
}

/** `mcp deploy <service>` found a definition it cannot read, or services_dir is no directory. */
export class DefinitionUnreadableError extends CliError {
  readonly code = 'DEFINITION_UNREADABLE';

  constructor(
    readonly service: string,
    /** The file, or the services_dir, that could not be read. */
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to read service definition '${service}': ${path}: ${reason}`, options);
    this.name = 'DefinitionUnreadableError';
  }
}

/** A short reason for a file system error, such as `is a directory` or `permission denied`. */
export function fileErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTDIR':
      return 'a parent of it is a file, not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** What the unreachable-master message suggests for working without the master. */
export interface DirectHint {
  /**
   * The command line to repeat with `--direct -n <node>`, for a command that takes it (for
   * example `status web`). Default: none, and the message names the commands that do.
   */
  command?: string;
  /** Node names from the config's `[[nodes]]`. Default: none. */
  nodes?: readonly string[];
}

/** The commands that take `--direct -n <node>`, for messages. */
export const DIRECT_COMMANDS = 'deploy, stop, start, restart, status, logs and ps';

/** No connection to the master: refused, unresolvable, or no answer within the deadline. */
export class MasterUnreachableError extends CliError {
  readonly code = 'MASTER_UNREACHABLE';

  constructor(
    readonly address: string,
    readonly reason: string,
    options?: { cause?: unknown; configFile?: string; direct?: DirectHint },
  ) {
    const where = options?.configFile ? ` and that 'master' in ${options.configFile} is right` : '';
    super(
      `failed to reach the master at ${address}: ${reason}\n` +
        `The master is unreachable: check that mcp-master runs at that address${where}.\n` +
        directText(options?.direct ?? {}, options?.configFile),
      options,
    );
    this.name = 'MasterUnreachableError';
  }
}

function directText(hint: DirectHint, configFile: string | undefined): string {
  const nodes = hint.nodes ?? [];
  const known =
    nodes.length > 0
      ? ` (nodes: ${nodes.join(', ')})`
      : ` (first list each agent as [[nodes]] name and address in ${configFile ?? 'the config'})`;
  if (hint.command) {
    return `While it is down, ask one node's agent: mcp ${hint.command} --direct -n <node>${known}.`;
  }
  return (
    `While it is down, ${DIRECT_COMMANDS} talk to one node's agent with ` +
    `--direct -n <node>${known}.`
  );
}

/** The master answered a call with an error status; its details are the message. */
export class MasterCallError extends CliError {
  readonly code = 'MASTER_CALL';

  constructor(
    readonly address: string,
    readonly method: string,
    readonly status: Status,
    readonly details: string,
    options?: { cause?: unknown },
  ) {
    super(callMessage(`the master at ${address}`, method, status, details), options);
    this.name = 'MasterCallError';
  }
}

/** No connection to a node's agent (`--direct`). */
export class AgentUnreachableError extends CliError {
  readonly code = 'AGENT_UNREACHABLE';

  constructor(
    readonly node: string,
    readonly address: string,
    readonly reason: string,
    options?: { cause?: unknown; configFile?: string },
  ) {
    const where = options?.configFile ? ` in ${options.configFile}` : '';
    super(
      `failed to reach node '${node}' at ${address}: ${reason}\n` +
        `Check that mcp-agent runs there and that the [[nodes]] address of '${node}'${where} ` +
        'is right.',
      options,
    );
    this.name = 'AgentUnreachableError';
  }
}

/** A node's agent answered a `--direct` call with an error status. */
export class AgentCallError extends CliError {
  readonly code = 'AGENT_CALL';

  constructor(
    readonly node: string,
    readonly address: string,
    readonly method: string,
    readonly status: Status,
    readonly details: string,
    options?: { cause?: unknown },
  ) {
    super(callMessage(`node '${node}' at ${address}`, method, status, details), options);
    this.name = 'AgentCallError';
  }
}

/** `--direct` without `-n`, or with a node the config does not list: a usage error. */
export class DirectNodeError extends CliError {
  readonly code = 'DIRECT_NODE';
  override readonly exitCode = 2;

  constructor(
    /** The node asked for; empty when `-n` was missing. */
    readonly node: string,
    readonly known: readonly string[],
    readonly configFile: string,
  ) {
    const what = node ? `unknown node '${node}'` : 'missing -n/--node <node>';
    const nodes =
      known.length > 0
        ? `known nodes: ${known.join(', ')} (the [[nodes]] of ${configFile})`
        : `${configFile} lists no [[nodes]]; add name and address for each agent`;
    super(`failed to use --direct: ${what}; ${nodes}`);
    this.name = 'DirectNodeError';
  }
}

/** No node that answered reports the service. */
export class ServiceNotFoundError extends CliError {
  readonly code = 'SERVICE_NOT_FOUND';

  constructor(
    readonly service: string,
    /** The node asked with `--direct`; undefined when the master asked every node. */
    readonly node: string | undefined,
    /** Nodes that did not answer; the service may run there. */
    readonly silent: readonly string[],
  ) {
    const where = node ? `node '${node}' does not report it` : 'no node reports it';
    const maybe =
      silent.length > 0
        ? `; it may run on ${silent.map((n) => `'${n}'`).join(', ')}, which did not answer`
        : '';
    super(`failed to find service '${service}': ${where}${maybe}`);
    this.name = 'ServiceNotFoundError';
  }
}

function callMessage(who: string, method: string, status: Status, details: string): string {
  // The servers' own errors are full sentences; UNIMPLEMENTED comes from an older server or from
  // something at that address that is not an mcp server at all.
  if (status === Status.UNIMPLEMENTED) {
    return `${who} does not implement ${method}: ${details || 'unimplemented'}`;
  }
  return details || `${who} refused ${method}: ${Status[status]}`;
}

/** True for the error an aborted call or wait throws (nice-grpc and Node both name it so). */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
