// Entry of the mcp-edge-agent artifact: bake the version and run. No native addon, no assets.
import { main } from '@mcp/edge-agent';

/** Replaced by esbuild at build: the version of this artifact. */
declare const MCP_BUILD_VERSION: string;

process.env.MCP_VERSION = MCP_BUILD_VERSION;

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`mcp-edge-agent: ${(err as Error).message}`);
  process.exitCode = 1;
});
