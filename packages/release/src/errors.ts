// One class per condition of the artifact build, each with a code and the ids involved.

/** A build tool (esbuild aside) exited non-zero or could not be run. */
export class ToolFailedError extends Error {
  readonly code = 'TOOL_FAILED';
  constructor(
    readonly command: string,
    readonly output: string,
    cause: unknown,
  ) {
    const tail = output.trim().split('\n').slice(-15).join('\n');
    super(`failed to run '${command}': ${(cause as Error).message}\n${tail}`, { cause });
    this.name = 'ToolFailedError';
  }
}

/** A downloaded package did not match the integrity this build pins. */
export class IntegrityError extends Error {
  readonly code = 'INTEGRITY_MISMATCH';
  constructor(
    readonly pkg: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`failed to fetch package '${pkg}': integrity ${actual}, expected ${expected}`);
    this.name = 'IntegrityError';
  }
}

/** A built artifact did not answer `--version` with the version baked into it. */
export class ArtifactCheckError extends Error {
  readonly code = 'ARTIFACT_CHECK_FAILED';
  constructor(
    readonly artifact: string,
    why: string,
  ) {
    super(`failed to check artifact '${artifact}': ${why}`);
    this.name = 'ArtifactCheckError';
  }
}
