// The better-sqlite3 addon for an architecture: pnpm's own build for amd64, a cross-compiled one
// for arm64 (g++-aarch64-linux-gnu against the arm64 runtime's headers), cached per version.
import { copyFileSync, cpSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { cached } from './cache.js';
import { exec } from './exec.js';
import type { Target } from './targets.js';

const require = createRequire(import.meta.url);

/** The better-sqlite3 package the agent depends on (its directory and version). */
export function sqlitePackage(): { dir: string; version: string } {
  const agentRequire = createRequire(require.resolve('@mcp/agent'));
  const dir = dirname(agentRequire.resolve('better-sqlite3/package.json'));
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return { dir, version };
}

/** Resolves to the path of `better_sqlite3.node` built for `target`. */
export async function sqliteAddon(target: Target): Promise<string> {
  const pkg = sqlitePackage();
  if (target.arch === 'amd64') return join(pkg.dir, 'build', 'Release', 'better_sqlite3.node');

  const key = `better-sqlite3-${pkg.version}-linux-${target.arch}`;
  const dir = await cached(key, async (staging) => {
    const src = join(staging, 'src');
    cpSync(pkg.dir, src, {
      recursive: true,
      dereference: true,
      filter: (path) => !path.startsWith(join(pkg.dir, 'build')),
    });
    const gyp = require.resolve('node-gyp/bin/node-gyp.js');
    const args = ['rebuild', '--release', '--arch=arm64', `--nodedir=${target.nodeDir}`, '-j', '2'];
    await exec(process.execPath, [gyp, ...args], {
      cwd: src,
      env: {
        ...process.env,
        CC: 'aarch64-linux-gnu-gcc',
        CXX: 'aarch64-linux-gnu-g++',
        LINK: 'aarch64-linux-gnu-g++',
        AR: 'aarch64-linux-gnu-ar',
      },
    });
    copyFileSync(join(src, 'build', 'Release', 'better_sqlite3.node'), join(staging, 'addon.node'));
    rmSync(src, { recursive: true, force: true });
  });
  return join(dir, 'addon.node');
}
