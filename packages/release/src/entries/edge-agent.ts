// Entry of the mcp-edge-agent artifact: bake the version and run. No native addon, no assets.
import { setFlagsFromString } from 'node:v8';

import { main } from '@mcp/edge-agent';

/** Replaced by esbuild at build: the version of this artifact. */
declare const MCP_BUILD_VERSION: string;

process.env.MCP_VERSION = MCP_BUILD_VERSION;

// As packages/edge-agent/bin does: V8's optimising compilers off and the young generation kept
// at its initial size, idle memory before speed.
// The bundle's module bodies have run by now, but functions compile lazily, so this still holds
// for nearly all of the agent's code.
setFlagsFromString('--no-opt');
setFlagsFromString('--no-sparkplug');
setFlagsFromString('--semi-space-growth-factor=1');

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`mcp-edge-agent: ${(err as Error).message}`);
  process.exitCode = 1;
});
