// Command line of the mcp-agent binary: `mcp-agent --config <file>` or `mcp-agent --version`.
import { startAgent } from './main.js';
import { agentVersion } from './version.js';

export async function main(argv: string[]): Promise<void> {
  if (argv.includes('--version')) {
    console.log(agentVersion());
    return;
  }
  const at = argv.indexOf('--config');
  const file = at >= 0 ? argv[at + 1] : process.env.MCP_AGENT_CONFIG;
  if (!file) {
    console.error('usage: mcp-agent --config <agent.toml>   (or MCP_AGENT_CONFIG)');
    process.exitCode = 2;
    return;
  }

  let running;
  try {
    running = await startAgent(file);
  } catch (err) {
    console.error(`mcp-agent: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const stop = (): void => {
    void running.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
