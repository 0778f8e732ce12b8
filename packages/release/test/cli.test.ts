// `mcp-release build` as CI runs it: the version baked in is what git says about the tree.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { run } from '@mcp/testkit';
import { afterAll, describe, expect, test } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/mcp-release.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'mcp-release-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('mcp-release build', () => {
  test('mcp-release build bakes in the git describe version of the tree', async () => {
    const git = (await run('git', ['describe', '--always', '--dirty'])).trim();

    const { stdout } = await promisify(execFile)(process.execPath, [
      BIN,
      'build',
      '--program',
      'edge-agent',
      '--arch',
      'amd64',
      '--out',
      out,
      '--json',
    ]);

    const [built] = JSON.parse(stdout) as { version: string; file: string }[];
    expect(built?.version).toBe(git);
    const file = join(out, 'mcp-edge-agent-linux-amd64');
    expect((await run(file, ['--version'], { env: {} })).trim()).toBe(git);
    expect(JSON.parse(readFileSync(`${file}.json`, 'utf8'))).toMatchObject({ version: git });
  });

  test('mcp-release build refuses an unknown architecture with its usage', async () => {
    const failed = promisify(execFile)(process.execPath, [BIN, 'build', '--arch', 'riscv64']);

    await expect(failed).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown: riscv64'),
    });
  });
});
