#!/usr/bin/env node
// V8's optimising compilers off (interpreter only) before any of the agent's code is compiled:
// the edge agent answers a few RPCs a minute, and on a small VPS or a Raspberry Pi its idle
// memory matters more than its speed (bench/memory.ts). Set here rather than on the command line
// so that `node bin/mcp-edge-agent.js`, the shebang and a packaged binary all get it. Not
// --lite-mode: it implies --jitless, under which V8 aborts the process when WebAssembly is
// compiled, and Node's fetch (undici's HTTP parser), which the ACME client reaches, compiles it.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-opt');
setFlagsFromString('--no-sparkplug');
// The young generation stays at its initial size instead of doubling under load (up to 16 MiB
// per semi-space): the edge allocates little per call, and pages a grown nursery touched once
// stay resident. Read by V8 when it would grow, so it works set at run time, unlike
// --max-semi-space-size, which is fixed when the heap is made.
setFlagsFromString('--semi-space-growth-factor=1');
const { main } = await import('../dist/cli.js');

await main(process.argv.slice(2));
