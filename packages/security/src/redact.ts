// What pino must never print: every logger of mcp passes these as `redact`.

/** pino redaction paths for tokens, passwords, keys and authorization headers. */
export const REDACT_PATHS: readonly string[] = [
  'token',
  '*.token',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'metadata.authorization',
  'key',
  '*.key',
  'privateKey',
  '*.privateKey',
  'headers.authorization',
  '*.headers.authorization',
];
