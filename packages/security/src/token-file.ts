// A bearer token kept in a file: read when first needed and again whenever the file changes, so
// a token can be rotated without a restart.
import { statSync } from 'node:fs';

import { SecretFileError } from './errors.js';
import { readSecretFile } from './secret-file.js';

/** Reads the token in `path` (mode 0600 or stricter, one line); `what` names it in errors. */
export class TokenFile {
  private cached: { token: string; mtimeMs: number; size: number } | undefined;

  constructor(
    readonly path: string,
    private readonly what = 'token file',
  ) {}

  /** The token now; throws SecretFileError or SecretFileModeError when it cannot be used. */
  read(): string {
    const stat = statSafe(this.path);
    const cached = this.cached;
    if (cached && stat && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) {
      return cached.token;
    }

    const token = readSecretFile(this.path, this.what).toString('utf8').trim();
    if (token === '') throw new SecretFileError(this.what, this.path, 'the file holds no token');
    if (/\s/.test(token)) {
      const why = /^bearer\s/i.test(token)
        ? "the file holds 'Bearer' before the token; it must hold the token alone"
        : /[\r\n]/.test(token)
          ? 'the file holds more than one line'
          : 'the token holds white space';
      throw new SecretFileError(this.what, this.path, why);
    }
    const bad = badTokenCharacter(token);
    if (bad) throw new SecretFileError(this.what, this.path, bad);
    this.cached = { token, mtimeMs: stat?.mtimeMs ?? 0, size: stat?.size ?? 0 };
    return token;
  }
}

/**
 * Why `token` cannot travel in an `authorization` header, or undefined when it can: only
 * printable ASCII may (a zero-width space pasted with it would otherwise make grpc-js refuse the
 * header with the whole token in its message). Names the position, never the token.
 */
export function badTokenCharacter(token: string): string | undefined {
  const at = token.search(/[^\x21-\x7e]/);
  if (at < 0) return undefined;
  const code = token.codePointAt(at) ?? 0;
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return `the token holds U+${hex} at character ${at + 1}; only printable ASCII may be in a token`;
}

function statSafe(path: string): { mtimeMs: number; size: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
