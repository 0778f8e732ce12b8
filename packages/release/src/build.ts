// One artifact: bundle, addon and assets, executable, check; cached by the hash of its inputs.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

import { sqliteAddon, sqlitePackage } from './addon.js';
import { bundle } from './bundle.js';
import { cacheDir, cached } from './cache.js';
import { elfImages, type ElfImage } from './elf.js';
import { ArtifactCheckError } from './errors.js';
import { exec } from './exec.js';
import { makeSea } from './sea.js';
import { artifactName, target, type Arch, type Program } from './targets.js';

/** What `build` makes and where. */
export interface BuildOptions {
  program: Program;
  arch: Arch;
  /** Baked in and reported by `--version`. */
  version: string;
  /** Directory of the output; default `<cache>/out`. */
  outDir?: string;
}

/** The manifest written beside each artifact (`<artifact>.json`). */
export interface Artifact {
  program: Program;
  arch: Arch;
  version: string;
  file: string;
  size: number;
  sha256: string;
  runtime: string;
  /** The executable's own ELF header and those of the native files embedded in it. */
  elf: ElfImage[];
}

const require = createRequire(import.meta.url);

/** The agent's assets: asset name -> file (the SQLite addon, every drizzle migration file). */
async function agentAssets(arch: Arch): Promise<Record<string, string>> {
  const drizzle = join(dirname(require.resolve('@mcp/agent')), '..', 'drizzle');
  const assets: Record<string, string> = {
    'better_sqlite3.node': await sqliteAddon(await target(arch)),
  };
  for (const entry of readdirSync(drizzle, { recursive: true, encoding: 'utf8' })) {
    const file = join(drizzle, entry);
    if (statSync(file).isFile()) assets[`drizzle/${relative(drizzle, file)}`] = file;
  }
  return assets;
}

/** Builds (or takes from the cache) one artifact and copies it to the output directory. */
export async function buildArtifact(options: BuildOptions): Promise<Artifact> {
  const { program, arch, version } = options;
  const tgt = await target(arch);
  const assets = program === 'agent' ? await agentAssets(arch) : {};
  const scratch = join(cacheDir(), 'scratch', `${artifactName(program, arch)}-${process.pid}`);
  mkdirSync(scratch, { recursive: true });
  let dir: string;
  try {
    const script = join(scratch, 'bundle.cjs');
    await bundle({ program, version, assets: Object.keys(assets), outfile: script });

    // The key covers everything that goes into the executable.
    const hash = createHash('sha256').update(readFileSync(script)).update(tgt.runtime);
    hash.update(sqlitePackage().version);
    for (const [name, file] of Object.entries(assets)) hash.update(name).update(readFileSync(file));
    const key = `artifact-${artifactName(program, arch)}-${hash.digest('hex').slice(0, 16)}`;
    dir = await cached(key, async (staging) => {
      const out = join(staging, artifactName(program, arch));
      await makeSea({ target: tgt, script, assets, workDir: scratch, out });
      await checkVersion(out, tgt.runPrefix, version);
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  pruneArtifacts(artifactName(program, arch), dir);

  const outDir = options.outDir ?? join(cacheDir(), 'out');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, artifactName(program, arch));
  copyFileSync(join(dir, artifactName(program, arch)), file);
  const data = readFileSync(file);
  const artifact: Artifact = {
    program,
    arch,
    version,
    file,
    size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
    runtime: (await exec(...runArgs(tgt.runPrefix, tgt.runtime, ['--version']))).trim(),
    elf: elfImages(file),
  };
  writeFileSync(`${file}.json`, `${JSON.stringify(artifact, null, 2)}\n`);
  return artifact;
}

/** How many cached artifacts of one name are kept (about 90 MB each); default 6. */
export const KEEP_CACHED = 6;

/** Marks `used` as just used and removes all but the {@link KEEP_CACHED} last used of `name`. */
function pruneArtifacts(name: string, used: string): void {
  const now = new Date();
  utimesSync(used, now, now);
  const prefix = `artifact-${name}-`;
  const entries = readdirSync(cacheDir())
    .filter((e) => e.startsWith(prefix) && !e.includes('.partial-'))
    .map((e) => ({ path: join(cacheDir(), e), mtime: statSync(join(cacheDir(), e)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of entries.slice(KEEP_CACHED)) rmSync(old.path, { recursive: true, force: true });
}

/** `[cmd, args]` that run `file args` here, under the prefix (qemu) when there is one. */
export function runArgs(prefix: string[], file: string, args: string[]): [string, string[]] {
  const [cmd = file, ...rest] = [...prefix, file];
  return [cmd, [...rest, ...args]];
}

async function checkVersion(file: string, prefix: string[], version: string): Promise<void> {
  const said = (await exec(...runArgs(prefix, file, ['--version']), { env: {} })).trim();
  if (said !== version) throw new ArtifactCheckError(file, `--version said '${said}'`);
}
