#!/usr/bin/env node
// The MCNS stand-in: `mcns --config <file>` (see the README). Runs the built dist/.
import { main } from '../dist/mcns/main.js';

try {
  await main(process.argv.slice(2));
  process.exit(0);
} catch (err) {
  console.error(`mcns: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
