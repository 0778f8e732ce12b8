// Errors of the CLI's own credentials: the platform CA, the token file, and `mcp login`. None
// carries a token or a password.
import { CliError } from './errors.js';

/** The platform CA named by `ca_file` (or `[mcias] ca_file`) cannot be read. */
export class CaFileError extends CliError {
  readonly code = 'CA_FILE';

  constructor(
    readonly path: string,
    /** The config key that named it, `ca_file` or `mcias.ca_file`. */
    readonly field: string,
    readonly configFile: string,
    /** The read error's message, `failed to read CA certificate '<path>': <why>`. */
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${detail} (${field} in ${configFile})`, options);
    this.name = 'CaFileError';
  }
}

/**
 * The token file is missing, empty or readable by others. A mode error reads as the security
 * package words it (with the chmod to run); any other says to log in.
 */
export class TokenFileError extends CliError {
  readonly code = 'TOKEN_FILE';

  constructor(
    readonly path: string,
    /** The read error's message, `failed to read token file '<path>': <why>`. */
    detail: string,
    /** False for a mode error, which `mcp login` would not fix on its own. */
    loginHint: boolean,
    options?: { cause?: unknown },
  ) {
    super(loginHint ? `${detail}; log in with \`mcp login\`` : detail, options);
    this.name = 'TokenFileError';
  }
}

/** The token could not be stored: the directory or the file could not be written. */
export class TokenWriteError extends CliError {
  readonly code = 'TOKEN_WRITE';

  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to write token file '${path}': ${reason}`, options);
    this.name = 'TokenWriteError';
  }
}

/** MCIAS refused the login, or could not be asked. Nothing was written. */
export class LoginFailedError extends CliError {
  readonly code = 'LOGIN_FAILED';

  constructor(
    readonly username: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to log in as '${username}': ${reason}`, options);
    this.name = 'LoginFailedError';
  }
}

/** No user name or password could be read: a usage error. */
export class LoginInputError extends CliError {
  readonly code = 'LOGIN_INPUT';
  override readonly exitCode = 2;

  constructor(readonly reason: string) {
    super(`failed to log in: ${reason}`);
    this.name = 'LoginInputError';
  }
}

/** Ctrl-C (or Ctrl-D) at a login prompt: nothing was sent or written. */
export class LoginAbortedError extends CliError {
  readonly code = 'LOGIN_ABORTED';
  override readonly exitCode = 130;

  constructor() {
    super('failed to log in: aborted at the prompt; nothing was written');
    this.name = 'LoginAbortedError';
  }
}
