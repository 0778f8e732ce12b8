// Command line of the mcp-edge-agent binary: `mcp-edge-agent --config <file>` or `--version`.
import { startEdgeAgent } from './main.js';
import { edgeAgentVersion } from './version.js';

export async function main(argv: string[]): Promise<void> {
  if (argv.includes('--version')) {
    console.log(edgeAgentVersion());
    return;
  }
  const at = argv.indexOf('--config');
  const file = at >= 0 ? argv[at + 1] : process.env.MCP_EDGE_AGENT_CONFIG;
  if (!file) {
    console.error('usage: mcp-edge-agent --config <edge.toml>   (or MCP_EDGE_AGENT_CONFIG)');
    process.exitCode = 2;
    return;
  }

  let running;
  try {
    running = await startEdgeAgent(file);
  } catch (err) {
    console.error(`mcp-edge-agent: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const stop = (): void => {
    void running.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
