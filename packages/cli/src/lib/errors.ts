// Errors the CLI reports to the person at the command boundary: a message, no stack trace.
import { Status } from 'nice-grpc';

/** Codes of the CLI's own errors. */
export type CliErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'INVALID_CONFIG'
  | 'DEFINITION_NOT_FOUND'
  | 'MASTER_UNREACHABLE'
  | 'MASTER_CALL';

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
        `Create it with at least:  master = "<host>:<port>"`,
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

/** No connection to the master: refused, unresolvable, or no answer within the deadline. */
export class MasterUnreachableError extends CliError {
  readonly code = 'MASTER_UNREACHABLE';

  constructor(
    readonly address: string,
    readonly reason: string,
    options?: { cause?: unknown; configFile?: string },
  ) {
    const where = options?.configFile ? ` and that 'master' in ${options.configFile} is right` : '';
    super(
      `failed to reach the master at ${address}: ${reason}\n` +
        `The master is unreachable: check that mcp-master runs at that address${where}.`,
      options,
    );
    this.name = 'MasterUnreachableError';
  }
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
    super(callMessage(address, method, status, details), options);
    this.name = 'MasterCallError';
  }
}

function callMessage(address: string, method: string, status: Status, details: string): string {
  // The master's own errors are full sentences; UNIMPLEMENTED comes from an older master or from
  // something at that address that is not a master at all.
  if (status === Status.UNIMPLEMENTED) {
    return `the master at ${address} does not implement ${method}: ${details || 'unimplemented'}`;
  }
  return details || `the master at ${address} refused ${method}: ${Status[status]}`;
}

/** True for the error an aborted call or wait throws (nice-grpc and Node both name it so). */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
