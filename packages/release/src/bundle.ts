// One CommonJS file per program: a Node 20 SEA runs a single script and requires only built-ins.
import { fileURLToPath } from 'node:url';

import { build, type Plugin } from 'esbuild';

import type { Program } from './targets.js';

/** What the bundle bakes in. */
export interface BundleOptions {
  program: Program;
  version: string;
  /** Asset names the entry writes out at start (agent only). */
  assets: string[];
  /** The bundle to write. */
  outfile: string;
}

/**
 * ssh2 (through dockerode) loads its optional native parts in a try block. They stay out of the
 * bundle as modules that throw, so the try takes its fallback without the SEA's warning about a
 * require() of a file.
 */
const absentOptionals: Plugin = {
  name: 'absent-optionals',
  setup(b) {
    b.onResolve({ filter: /(\.node$)|(^cpu-features$)/ }, (args) => ({
      path: args.path,
      namespace: 'absent',
    }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path}: not in the artifact`)});`,
    }));
  },
};

/** The entry script of a program (compiled, in dist/entries). */
export function entryOf(program: Program): string {
  return fileURLToPath(new URL(`./entries/${program}.js`, import.meta.url));
}

/** Bundles a program's entry with every dependency into one CommonJS file. */
export async function bundle(options: BundleOptions): Promise<void> {
  await build({
    entryPoints: [entryOf(options.program)],
    outfile: options.outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
    // import.meta.url has no meaning in a CommonJS bundle; the executable's own URL stands in.
    banner: { js: "const __mcp_import_meta_url = require('url').pathToFileURL(__filename).href;" },
    define: {
      'import.meta.url': '__mcp_import_meta_url',
      MCP_BUILD_VERSION: JSON.stringify(options.version),
      MCP_BUILD_ASSETS: JSON.stringify(options.assets),
    },
    plugins: [absentOptionals],
  });
}
