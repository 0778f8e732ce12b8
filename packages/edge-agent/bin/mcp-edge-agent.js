#!/usr/bin/env node
// V8's lite mode (interpreter only, lazy feedback) before any of the agent's code is compiled:
// the edge agent answers a few RPCs a minute, and on a small VPS or a Raspberry Pi its idle
// memory matters more than its speed (bench/memory.ts). Set here rather than on the command line
// so that `node bin/mcp-edge-agent.js`, the shebang and a packaged binary all get it.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--lite-mode');
setFlagsFromString('--no-expose-wasm');
const { main } = await import('../dist/cli.js');

await main(process.argv.slice(2));
