// Makes the one temporary root of a test run, handed to the test processes through the
// environment, and removes it with everything in it when the run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT_VARIABLE = 'MCP_MASTER_TEST_ROOT';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'mcp-master-tests-'));
  process.env[ROOT_VARIABLE] = root;
  return () => rmSync(root, { recursive: true, force: true });
}
