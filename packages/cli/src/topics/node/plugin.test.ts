// The `node` topic could ship as its own plugin: its files reach shared code only through the
// package's public surface (src/index.ts, `@mcp/cli` in a plugin).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../', import.meta.url));
const TOPIC = ['commands/node', 'topics/node'];

describe('the node topic', () => {
  it('the node topic imports shared code only through src/index.ts', async () => {
    const files = (
      await Promise.all(
        TOPIC.map(async (dir) =>
          (await readdir(join(SRC, dir))).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f)),
        ),
      )
    ).flat();

    const outside: string[] = [];
    for (const file of files) {
      const text = await readFile(join(SRC, file), 'utf8');
      for (const [, spec] of text.matchAll(/from '(\.[^']+)'/g)) {
        const target = join(file, '..', spec ?? '');
        const inTopic = TOPIC.some((dir) => target.startsWith(`${dir}/`));
        const allowed = inTopic || target === 'index.js' || target.startsWith('test-support/');
        if (!allowed) outside.push(`${file} -> ${spec}`);
      }
    }

    expect(files).toContain('commands/node/list.ts');
    expect(outside).toEqual([]);
  });
});
