#!/usr/bin/env node
// The MCIAS stand-in: `mcias --config <file.json>` (see the README). Runs the built dist/.
import { main } from '../dist/mcias/main.js';

try {
  await main(process.argv.slice(2));
  process.exit(0);
} catch (err) {
  console.error(`mcias: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
