// `mcp-release build`: builds the artifacts named by the flags (default: all four) and prints them.
import { parseArgs } from 'node:util';

import { buildArtifact, type Artifact } from './build.js';
import { ARCHES, PROGRAMS, type Arch, type Program } from './targets.js';
import { gitVersion } from './version.js';

const USAGE =
  'usage: mcp-release build [--program agent|edge-agent]... [--arch amd64|arm64]... ' +
  '[--version <v>] [--out <dir>] [--json]';

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      program: { type: 'string', multiple: true },
      arch: { type: 'string', multiple: true },
      version: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const programs = (values.program ?? PROGRAMS) as Program[];
  const arches = (values.arch ?? ARCHES) as Arch[];
  const bad: string[] = programs.filter((p) => !PROGRAMS.includes(p));
  bad.push(...arches.filter((a) => !ARCHES.includes(a)));
  if (positionals[0] !== 'build' || bad.length > 0) {
    console.error(bad.length > 0 ? `unknown: ${bad.join(', ')}\n${USAGE}` : USAGE);
    process.exitCode = 2;
    return;
  }

  const version = values.version ?? (await gitVersion());
  const built: Artifact[] = [];
  for (const program of programs) {
    for (const arch of arches) {
      const artifact = await buildArtifact({ program, arch, version, outDir: values.out });
      built.push(artifact);
      if (!values.json) {
        const mb = (artifact.size / 1e6).toFixed(1);
        console.log(`${artifact.file}  ${artifact.version}  ${mb} MB  sha256 ${artifact.sha256}`);
      }
    }
  }
  if (values.json) console.log(JSON.stringify(built, null, 2));
}
