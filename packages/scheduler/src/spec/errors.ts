/** Where in a definition a problem sits: the file and the field path, and a line when known. */
export interface DefinitionLocation {
  /** File the definition came from; `<request>` when it arrived over the wire. */
  readonly file: string;
  /** Dotted field path, for example `components[0].routes[1].port`; empty for the whole file. */
  readonly path: string;
  /** 1-based line, known for TOML syntax errors only. */
  readonly line?: number;
}

/** A service definition that cannot be used. Nothing reaches an agent when this is thrown. */
export class DefinitionError extends Error {
  readonly code = 'INVALID_DEFINITION';
  readonly file: string;
  readonly path: string;
  readonly line: number | undefined;
  readonly reason: string;

  constructor(where: DefinitionLocation, reason: string, options?: { cause?: unknown }) {
    const at = where.line === undefined ? where.path : `line ${where.line}`;
    super(`invalid service definition '${where.file}': ${at ? `${at}: ` : ''}${reason}`, options);
    this.name = 'DefinitionError';
    this.file = where.file;
    this.path = where.path;
    this.line = where.line;
    this.reason = reason;
  }
}
