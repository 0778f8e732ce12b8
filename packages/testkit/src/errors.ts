/** A program the testkit needs is not installed on this machine. */
export class ToolMissingError extends Error {
  readonly code = 'TOOL_MISSING';
  constructor(
    /** What the caller was starting, e.g. `podman service`. */
    readonly what: string,
    /** Each missing program with the Debian package that ships it. */
    readonly missing: readonly { tool: string; debianPackage: string }[],
  ) {
    const list = missing.map((m) => `${m.tool} (Debian package ${m.debianPackage})`).join(', ');
    const packages = [...new Set(missing.map((m) => m.debianPackage))].join(' ');
    super(`failed to start ${what}: missing ${list}; install with: apt-get install -y ${packages}`);
    this.name = 'ToolMissingError';
  }
}

/** A command run to completion exited with a non-zero status. */
export class CommandFailedError extends Error {
  readonly code = 'COMMAND_FAILED';
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    const why = stderr.trim() || `exit status ${String(exitCode)}`;
    super(`failed to run '${command}': ${why}`, options);
    this.name = 'CommandFailedError';
  }
}

/** A process could not be started at all (no such file, permission denied). */
export class SpawnFailedError extends Error {
  readonly code = 'SPAWN_FAILED';
  constructor(
    readonly command: string,
    options?: { cause?: unknown },
  ) {
    const why = options?.cause instanceof Error ? options.cause.message : 'unknown reason';
    super(`failed to spawn '${command}': ${why}`, options);
    this.name = 'SpawnFailedError';
  }
}

/** A condition polled with `waitFor` did not hold before its deadline. */
export class WaitTimeoutError extends Error {
  readonly code = 'WAIT_TIMEOUT';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    const last = options?.cause instanceof Error ? `; last error: ${options.cause.message}` : '';
    super(`failed to wait for ${what}: not ready after ${timeoutMs} ms${last}`, options);
    this.name = 'WaitTimeoutError';
  }
}

/** A started service exited before it became ready. */
export class ServiceExitedError extends Error {
  readonly code = 'SERVICE_EXITED';
  constructor(
    readonly what: string,
    readonly exitCode: number | null,
    readonly logTail: string,
  ) {
    super(
      `failed to start ${what}: exited with status ${String(exitCode)} before it was ready:\n${logTail}`,
    );
    this.name = 'ServiceExitedError';
  }
}

/** All 127.0.0.x addresses of this process are handed out. */
export class LoopbackExhaustedError extends Error {
  readonly code = 'LOOPBACK_EXHAUSTED';
  constructor() {
    super('failed to allocate loopback address: .2 to .254 of this process block are all used');
    this.name = 'LoopbackExhaustedError';
  }
}

/** Tearing something down left parts of it behind; every step was still attempted. */
export class TeardownError extends Error {
  readonly code = 'TEARDOWN_FAILED';
  constructor(
    readonly what: string,
    readonly errors: readonly unknown[],
  ) {
    const why = errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
    super(`failed to stop ${what}: ${why}`, { cause: errors[0] });
    this.name = 'TeardownError';
  }
}

/** A Unix socket would live at a path longer than Linux allows (107 bytes). */
export class SocketPathTooLongError extends Error {
  readonly code = 'SOCKET_PATH_TOO_LONG';
  constructor(
    readonly what: string,
    readonly socketPath: string,
  ) {
    super(`failed to start ${what}: socket path '${socketPath}' is longer than 107 bytes`);
    this.name = 'SocketPathTooLongError';
  }
}

/** A call of the MCIAS stand-in's API answered other than it should have. */
export class MciasRequestError extends Error {
  readonly code = 'MCIAS_REQUEST_FAILED';
  constructor(
    /** What was asked, e.g. `log in 'alice'`. */
    readonly what: string,
    /** The endpoint, e.g. `/v1/auth/login`. */
    readonly path: string,
    readonly status: number,
    /** The `error` text of the answer, when it had one. */
    readonly reason: string,
  ) {
    super(`failed to ${what} at MCIAS stand-in ${path}: ${status} ${reason}`);
    this.name = 'MciasRequestError';
  }
}
