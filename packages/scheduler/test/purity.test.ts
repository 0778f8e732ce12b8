// The scheduler is pure: its sources import @mcp/proto, each other and the pure libraries the
// definition parser needs, nothing else. Test files may also use the test tools and node:*.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

const SOURCE_IMPORTS = new Set(['@mcp/proto', 'zod', 'smol-toml']);
const TEST_IMPORTS = new Set([...SOURCE_IMPORTS, 'vitest', 'fast-check']);

/** Every module specifier a TypeScript file names: static, re-exported, side-effect, dynamic. */
function importsOf(text: string): string[] {
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"\n]+)['"]/gm,
    /^\s*import\s*['"]([^'"\n]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] ?? ''));
}

function allowed(specifier: string, test: boolean): boolean {
  if (specifier.startsWith('./') || specifier.startsWith('../')) return true;
  if (test && specifier.startsWith('node:')) return true;
  return (test ? TEST_IMPORTS : SOURCE_IMPORTS).has(specifier);
}

const root = join(import.meta.dirname, '../src');
const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(root, f));

describe('scheduler imports', () => {
  it('importsOf finds every form of import', () => {
    const text = [
      "import { a } from 'one';",
      'import type { B } from "two";',
      "import 'three';",
      "export * from './four.js';",
      "const five = await import('five');",
      "const six = require('six');",
      "import {\n  c,\n  d,\n} from 'seven';",
      "const words = { desc: 'heard from', other: 'x' };",
    ].join('\n');

    expect(importsOf(text).sort()).toEqual([
      './four.js',
      'five',
      'one',
      'seven',
      'six',
      'three',
      'two',
    ]);
  });

  it('scheduler sources import only @mcp/proto, each other, zod and smol-toml', () => {
    expect(files.length).toBeGreaterThan(10);

    const strays = files
      .filter((file) => file !== import.meta.filename)
      .flatMap((file) => {
        const test = file.endsWith('.test.ts');
        return importsOf(readFileSync(file, 'utf8'))
          .filter((specifier) => !allowed(specifier, test))
          .map((specifier) => `${relative(root, file)}: ${specifier}`);
      });

    expect(strays).toEqual([]);
  });
});
