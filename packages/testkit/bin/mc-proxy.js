#!/usr/bin/env node
// The mc-proxy stand-in: `mc-proxy --config <file>` (see the README). Runs the built dist/.
import { main } from '../dist/mcproxy/main.js';

try {
  await main(process.argv.slice(2));
  process.exit(0);
} catch (err) {
  console.error(`mc-proxy: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
