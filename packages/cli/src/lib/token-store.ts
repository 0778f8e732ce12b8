// Storing the token `mcp login` obtained: written whole or not at all, and never readable by
// anyone but its owner, not even for a moment.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { TokenWriteError } from './auth-errors.js';
import { fileErrorReason } from './errors.js';

/**
 * Writes `token` to `path`: a new file created with mode 0600 in the same directory (made 0700
 * when missing), synced, then renamed over `path`. A failure leaves `path` as it was.
 */
export async function writeTokenFile(path: string, token: string): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new TokenWriteError(path, `cannot create ${dir}: ${fileErrorReason(err)}`, {
      cause: err,
    });
  }

  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 'wx': never an existing file, whose mode would stay what it was.
    const file = await open(temp, 'wx', 0o600);
    try {
      await file.writeFile(`${token}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new TokenWriteError(path, fileErrorReason(err), { cause: err });
  }
}

/** Removes the token file; false when there was none. */
export async function removeTokenFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new TokenWriteError(path, `cannot remove it: ${fileErrorReason(err)}`, { cause: err });
  }
}
