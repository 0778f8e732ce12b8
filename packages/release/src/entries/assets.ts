// Writing the SEA's assets out to files at start: a native addon can only be loaded from a file.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getAsset } from 'node:sea';

/**
 * Writes the named assets under one directory, keyed by their SHA-256, and returns it.
 * Default place: `<dir of the executable>/.mcp-runtime/<hash>`; earlier hashes there are removed.
 * When that cannot be written: a fresh private directory from `mkdtemp` in `$TMPDIR`.
 */
export function extractAssets(names: readonly string[]): string {
  const blobs = names.map((name) => ({ name, data: Buffer.from(getAsset(name)) }));
  const hash = createHash('sha256');
  for (const blob of blobs) hash.update(blob.name).update(blob.data);
  const key = hash.digest('hex').slice(0, 12);

  const parent = join(dirname(process.execPath), '.mcp-runtime');
  try {
    return writeOnce(parent, key, blobs);
  } catch {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-runtime-'));
    for (const blob of blobs) writeBlob(dir, blob.name, blob.data);
    return dir;
  }
}

function writeOnce(parent: string, key: string, blobs: { name: string; data: Buffer }[]): string {
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  const dir = join(parent, key);
  if (!readdirSync(parent).includes(key)) {
    // Written in a private directory and renamed: a concurrent start never sees half a set.
    const staging = mkdtempSync(join(parent, `.${key}-`));
    for (const blob of blobs) writeBlob(staging, blob.name, blob.data);
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  for (const entry of readdirSync(parent)) {
    if (entry !== key && !entry.startsWith('.')) {
      rmSync(join(parent, entry), { recursive: true, force: true });
    }
  }
  return dir;
}

function writeBlob(dir: string, name: string, data: Buffer): void {
  const file = join(dir, name);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, data, { mode: 0o600 });
}
