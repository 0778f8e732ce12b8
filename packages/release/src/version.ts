// The version baked into an artifact: what `git describe` says about the tree it is built from.
import { exec } from './exec.js';
import { REPO_ROOT } from './cache.js';

/** `git describe --always --dirty` of the repository, e.g. `v0.3.0-4-g1a2b3c4-dirty`. */
export async function gitVersion(cwd = REPO_ROOT): Promise<string> {
  return (await exec('git', ['describe', '--always', '--dirty'], { cwd })).trim();
}
