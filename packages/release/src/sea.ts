// A Node single executable application: the preparation blob, made by the target runtime itself
// (a blob is tied to the Node that runs it), injected with postject into a stripped copy of it.
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { inject } from 'postject';

import { exec } from './exec.js';
import type { Target } from './targets.js';

/** The fuse Node 20 looks for (the value every SEA uses, from Node's documentation). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** What goes into one executable. */
export interface SeaInput {
  target: Target;
  /** The CommonJS bundle to run. */
  script: string;
  /** Asset name -> file. */
  assets: Record<string, string>;
  /** A scratch directory for the config and the blob. */
  workDir: string;
  /** The executable to write. */
  out: string;
}

/** Builds the executable `input.out`. */
export async function makeSea(input: SeaInput): Promise<void> {
  const { target, workDir, out } = input;
  const config = join(workDir, 'sea-config.json');
  const blob = join(workDir, 'sea-prep.blob');
  writeFileSync(
    config,
    JSON.stringify({
      main: input.script,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: false,
      useSnapshot: false,
      assets: input.assets,
    }),
  );

  const [runner = target.runtime, ...prefix] = [...target.runPrefix, target.runtime];
  await exec(runner, [...prefix, '--experimental-sea-config', config], { cwd: workDir });

  copyFileSync(target.runtime, out);
  chmodSync(out, 0o755);
  await exec(target.arch === 'arm64' ? 'aarch64-linux-gnu-strip' : 'strip', [out]);
  await inject(out, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
}
