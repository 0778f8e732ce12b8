// Reading private keys and token files: only when nobody but the owner may read or write them.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { SecretFileError, SecretFileModeError } from './errors.js';

/**
 * Throws unless `path` is a regular file with no group or other permission bits (0600 or
 * stricter) in a directory others may not write.
 */
export function checkSecretFileMode(path: string, what: string): void {
  let mode: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new SecretFileError(what, path, 'not a regular file');
    mode = stat.mode & 0o777;
  } catch (err) {
    if (err instanceof SecretFileError) throw err;
    throw new SecretFileError(what, path, errnoText(err), { cause: err });
  }
  if ((mode & 0o077) !== 0) throw new SecretFileModeError(what, path, mode);
  checkDirectory(path, what);
}

// A directory others may write lets them swap the file for their own (a rename needs no access
// to the file); the sticky bit (/tmp) stops that for files they do not own. Both the directory
// named and, through a symbolic link, the target's are checked: either swap replaces the key.
function checkDirectory(path: string, what: string): void {
  const named = dirname(resolve(path));
  const target = dirname(realpathSync(path));
  for (const dir of new Set([named, target])) checkOneDirectory(dir, path, what);
}

function checkOneDirectory(dir: string, path: string, what: string): void {
  const mode = statSync(dir).mode;
  const sticky = (mode & 0o1000) !== 0;
  if ((mode & 0o022) !== 0 && !sticky) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    throw new SecretFileError(
      what,
      path,
      `its directory '${dir}' is writable by others (mode ${octal}), who could replace it; ` +
        `chmod go-w ${dir}`,
    );
  }
}

/** The contents of a key file, after the mode check. */
export function readSecretFile(path: string, what: string): Buffer {
  checkSecretFileMode(path, what);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new SecretFileError(what, path, errnoText(err), { cause: err });
  }
}

/** A public file (certificate, CA bundle): any mode, but it must be readable and not empty. */
export function readPublicFile(path: string, what: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new SecretFileError(what, path, errnoText(err), { cause: err });
  }
  if (data.length === 0) throw new SecretFileError(what, path, 'the file is empty');
  return data;
}

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'a directory, not a file';
  return err instanceof Error ? err.message : String(err);
}
