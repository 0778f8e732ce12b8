// One error class per condition, each carrying the ids involved; none ever carries a token.

/** A key or token file others than its owner may read or write. */
export class SecretFileModeError extends Error {
  readonly code = 'SECRET_FILE_MODE';
  constructor(
    readonly what: string,
    readonly path: string,
    readonly mode: number,
  ) {
    super(
      `failed to read ${what} '${path}': its mode is ${mode.toString(8).padStart(4, '0')}; ` +
        `it must be 0600 or stricter (chmod 600 ${path})`,
    );
    this.name = 'SecretFileModeError';
  }
}

/** A key, certificate or token file that cannot be read or holds nothing. */
export class SecretFileError extends Error {
  readonly code = 'SECRET_FILE';
  constructor(
    readonly what: string,
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to read ${what} '${path}': ${reason}`, options);
    this.name = 'SecretFileError';
  }
}

/** MCIAS answered that a token is not (or no longer) good. */
export class TokenRejectedError extends Error {
  readonly code = 'TOKEN_REJECTED';
  constructor(readonly reason: string) {
    super(`failed to authenticate: the bearer token was refused by MCIAS (${reason})`);
    this.name = 'TokenRejectedError';
  }
}

/** MCIAS could not be asked, or answered with something other than a verdict. */
export class McIasUnavailableError extends Error {
  readonly code = 'MCIAS_UNAVAILABLE';
  constructor(
    readonly url: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to reach MCIAS at '${url}': ${reason}`, options);
    this.name = 'McIasUnavailableError';
  }
}

/** A login MCIAS refused: wrong user name or password. */
export class LoginRefusedError extends Error {
  readonly code = 'LOGIN_REFUSED';
  constructor(
    readonly username: string,
    reason: string,
  ) {
    super(`failed to log in as '${username}': ${reason}`);
    this.name = 'LoginRefusedError';
  }
}

/** A `[tls]` or `[mcias]` table that is missing a field or has a wrong one. */
export class SecurityConfigError extends Error {
  readonly code = 'SECURITY_CONFIG';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'SecurityConfigError';
  }
}
