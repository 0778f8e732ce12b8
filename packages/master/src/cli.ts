// Command line of the mcp-master binary: `mcp-master --config <file>`.
import { startMaster } from './main.js';

export async function main(argv: string[]): Promise<void> {
  const at = argv.indexOf('--config');
  const file = at >= 0 ? argv[at + 1] : process.env.MCP_MASTER_CONFIG;
  if (!file) {
    console.error('usage: mcp-master --config <master.toml>   (or MCP_MASTER_CONFIG)');
    process.exitCode = 2;
    return;
  }

  let running;
  try {
    running = await startMaster(file);
  } catch (err) {
    console.error(`mcp-master: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const stop = (): void => {
    void running.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
