// The build cache, <repo>/.cache/mcp-release (gitignored): each entry is written whole or not
// at all.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this package lives in packages/release). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Default cache directory; `MCP_RELEASE_CACHE` names another. */
export function cacheDir(): string {
  return process.env.MCP_RELEASE_CACHE ?? join(REPO_ROOT, '.cache', 'mcp-release');
}

/**
 * Returns `<cache>/<key>`, making it first with `make(staging)` when absent. `make` fills a
 * staging directory that is renamed into place only when it succeeded.
 */
export async function cached(key: string, make: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(cacheDir(), key);
  if (existsSync(dir)) return dir;

  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await make(staging);
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}
