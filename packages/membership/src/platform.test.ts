import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { nodeArch, nodeOs } from './platform.js';

// Every temporary directory of this file, removed after its tests.
const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('nodeArch', () => {
  it.each([
    ['x64', 'amd64'],
    ['arm64', 'arm64'],
    ['riscv64', 'riscv64'],
  ])('names %s as %s', (arch, named) => {
    expect(nodeArch(arch)).toBe(named);
  });

  it('reads this process by default', () => {
    expect(['amd64', 'arm64']).toContain(nodeArch());
  });
});

describe('nodeOs', () => {
  const dir = tempDir('membership-os-');
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    { name: 'plain', text: 'NAME="NixOS"\nID=nixos\nVERSION_ID="24.11"\n', id: 'nixos' },
    { name: 'quoted', text: 'PRETTY_NAME="Debian"\nID="Debian"\n', id: 'debian' },
    { name: 'like-only', text: 'ID_LIKE=debian\n', id: 'linux' },
    { name: 'empty', text: 'ID=\n', id: 'linux' },
  ])('reads ID from an os-release file ($name)', ({ name, text, id }) => {
    expect(nodeOs(file(name, text))).toBe(id);
  });

  it('answers linux when the file is absent', () => {
    expect(nodeOs(join(dir, 'missing'))).toBe('linux');
  });
});
