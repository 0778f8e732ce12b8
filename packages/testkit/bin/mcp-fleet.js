#!/usr/bin/env node
// mcp-fleet demo: bring up a local fleet and deploy the example service (see the README).
import { runDemo } from '../dist/fleet/demo.js';

const [command] = process.argv.slice(2);
if (command !== 'demo') {
  console.error('usage: mcp-fleet demo');
  process.exit(2);
}
try {
  await runDemo();
} catch (err) {
  console.error(`mcp-fleet: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
