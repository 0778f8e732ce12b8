// The edge agent runs no containers (DESIGN.md section 2): nothing it loads at run time may pull
// in a container runtime client, directly or through another package.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const FORBIDDEN = ['dockerode', 'docker-modem', '@mcp/agent', 'better-sqlite3'];
const root = dirname(dirname(fileURLToPath(import.meta.url)));

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Where Node would find `name` from a package at `from`: the nearest node_modules holding it. */
function resolveFrom(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (!dir.endsWith('/node_modules') && existsSync(join(candidate, 'package.json'))) {
      return realpathSync(candidate);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Every package reachable through dependencies and optionalDependencies, by name. */
function runtimeTree(start: string): Map<string, string> {
  const seen = new Map<string, string>();
  const queue = [realpathSync(start)];

  for (let dir = queue.pop(); dir !== undefined; dir = queue.pop()) {
    const m = manifest(dir);
    const names = Object.keys({ ...m.dependencies, ...m.optionalDependencies });
    for (const name of names) {
      const at = resolveFrom(dir, name);
      if (at === undefined || seen.get(name) === at) continue;
      seen.set(name, at);
      queue.push(at);
    }
  }
  return seen;
}

describe('edge agent dependencies', () => {
  const tree = runtimeTree(root);

  it('are walked deep enough to catch a runtime client (checked on the compute agent)', () => {
    expect(tree.has('@grpc/grpc-js')).toBe(true);
    const agent = runtimeTree(join(root, '..', 'agent'));
    expect(agent.has('dockerode')).toBe(true);
    expect(agent.has('docker-modem')).toBe(true);
  });

  it.each(FORBIDDEN)('include no %s, directly or through another package', (name) => {
    expect(tree.has(name)).toBe(false);
    expect(Object.keys(manifest(root).devDependencies ?? {})).not.toContain(name);
  });
});
