// Fails when src/gen is not what `buf generate` makes from the .proto sources, so generated
// code is never edited by hand or left stale.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const out = mkdtempSync(join(tmpdir(), 'mcp-proto-gen-'));

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function check() {
  const run = spawnSync('buf', ['generate', '--output', out], { cwd: here, stdio: 'inherit' });
  if (run.error) throw new Error(`failed to run buf: ${run.error.message}`);
  if (run.status !== 0) return run.status ?? 1;
  const fresh = files(join(out, 'src/gen')).map((f) => relative(join(out, 'src/gen'), f));
  const kept = files(join(here, 'src/gen')).map((f) => relative(join(here, 'src/gen'), f));
  const stale = [...new Set([...fresh, ...kept])].filter((f) => {
    const a = join(out, 'src/gen', f);
    const b = join(here, 'src/gen', f);
    try {
      return readFileSync(a, 'utf8') !== readFileSync(b, 'utf8');
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(
      `generated code is stale: ${stale.join(', ')}; run pnpm --filter @mcp/proto generate`,
    );
    return 1;
  }
  console.log('generated code matches the .proto sources');
  return 0;
}

try {
  process.exitCode = check();
} finally {
  rmSync(out, { recursive: true, force: true });
}
