// Entry of the mcp-agent artifact: bake the version, load the SQLite addon from an asset, run.
import { join } from 'node:path';

import { main, useRegistryAssets } from '@mcp/agent';

import { extractAssets } from './assets.js';

/** Replaced by esbuild at build: the version and the asset names of this artifact. */
declare const MCP_BUILD_VERSION: string;
declare const MCP_BUILD_ASSETS: string[];

process.env.MCP_VERSION = MCP_BUILD_VERSION;

const argv = process.argv.slice(2);
if (!argv.includes('--version')) {
  const dir = extractAssets(MCP_BUILD_ASSETS);
  const addon = { exports: {} };
  process.dlopen(addon, join(dir, 'better_sqlite3.node'));
  useRegistryAssets({ nativeBinding: addon.exports, migrationsDir: join(dir, 'drizzle') });
}

main(argv).catch((err: unknown) => {
  console.error(`mcp-agent: ${(err as Error).message}`);
  process.exitCode = 1;
});
