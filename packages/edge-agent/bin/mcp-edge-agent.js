#!/usr/bin/env -S node --lite-mode --no-expose-wasm
// --lite-mode (V8 interpreter only, lazy feedback): the edge agent answers a few RPCs a minute,
// and on a small VPS its idle memory matters more than its speed (about 53 MiB against 72 MiB;
// bench/memory.ts). `node bin/mcp-edge-agent.js` runs it without the flag.
import { main } from '../dist/cli.js';

await main(process.argv.slice(2));
