// Where the product's own programs live in this repository. The testkit starts them as child
// processes by path rather than importing them, so that no package depends on the testkit's
// users and the processes are the real binaries an operator runs.
import { fileURLToPath } from 'node:url';

const packages = new URL('../../../', import.meta.url);

/** Entry points of the built programs (run `pnpm build` first). */
export const PROGRAMS = {
  agent: fileURLToPath(new URL('agent/bin/mcp-agent.js', packages)),
  master: fileURLToPath(new URL('master/bin/mcp-master.js', packages)),
  edgeAgent: fileURLToPath(new URL('edge-agent/bin/mcp-edge-agent.js', packages)),
  cli: fileURLToPath(new URL('cli/bin/run.js', packages)),
} as const;
