import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { TokenWriteError } from './auth-errors.js';
import { removeTokenFile, writeTokenFile } from './token-store.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-token-store-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeTokenFile', () => {
  it('writeTokenFile replaces a file others could read with a new one at 0600', async () => {
    const file = join(dir, 'token');
    await writeFile(file, 'old\n');
    await chmod(file, 0o644);

    await writeTokenFile(file, 'new-token');

    expect(await readFile(file, 'utf8')).toBe('new-token\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['token']);
  });

  it('writeTokenFile creates missing directories with mode 0700', async () => {
    const file = join(dir, 'a', 'b', 'token');

    await writeTokenFile(file, 't');

    expect((await stat(join(dir, 'a', 'b'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o700);
  });

  it('writeTokenFile names the file and why when it cannot write, leaving what was there', async () => {
    // A directory where the token should go: the rename fails after the temp file was written.
    const file = join(dir, 'token');
    await mkdir(file);
    await writeFile(join(file, 'kept'), 'x');

    const write = writeTokenFile(file, 'new');

    await expect(write).rejects.toBeInstanceOf(TokenWriteError);
    await expect(write).rejects.toThrow(`failed to write token file '${file}': `);
    expect(await readdir(file)).toEqual(['kept']);
    expect(await readdir(dir)).toEqual(['token']);
  });

  it('writeTokenFile says which directory it could not create', async () => {
    await writeFile(join(dir, 'plain'), '');
    const file = join(dir, 'plain', 'token');

    await expect(writeTokenFile(file, 't')).rejects.toThrow(
      `failed to write token file '${file}': cannot create ${join(dir, 'plain')}: `,
    );
  });
});

describe('removeTokenFile', () => {
  it('removeTokenFile removes the file and answers false when there is none', async () => {
    const file = join(dir, 'token');
    await writeFile(file, 't\n', { mode: 0o600 });

    expect(await removeTokenFile(file)).toBe(true);
    expect(await removeTokenFile(file)).toBe(false);
  });
});
