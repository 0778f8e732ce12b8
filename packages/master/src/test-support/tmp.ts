// Temporary directories of the master's tests, all under the run's root (made and removed by
// global-setup.ts), so nothing is left in /tmp whatever the tests did.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ROOT_VARIABLE } from './global-setup.js';

/** A new directory under the test run's root. */
export function testDir(prefix: string): string {
  const root = process.env[ROOT_VARIABLE] ?? join(tmpdir(), 'mcp-master-tests');
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, prefix));
}
