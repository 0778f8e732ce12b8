// Runs `buf breaking` against the previous commit of the branch, so that old agents keep
// working with new masters. Skips, saying why, when there is no previous contract to compare.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: here }).toString().trim();
const subdir = relative(top, join(here, 'proto'));
const ref = process.env.BUF_BREAKING_REF ?? 'HEAD~1';

const has = spawnSync('git', ['cat-file', '-e', `${ref}:${subdir}`], { cwd: top });
if (has.status !== 0) {
  console.log(`buf breaking: skipped, ${ref} has no ${subdir} to compare against`);
  process.exit(0);
}

const against = `${join(top, '.git')}#ref=${ref},subdir=${subdir}`;
const run = spawnSync('buf', ['breaking', 'proto', '--against', against], {
  cwd: here,
  stdio: 'inherit',
});
if (run.status === 0) console.log(`buf breaking: no breaking change against ${ref}`);
process.exit(run.status ?? 1);
